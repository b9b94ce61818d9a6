"""ASSEMBLY: the one place that wires store + adapter + runtime + surfaces into a running process.

Every other room keeps to its floor: the surfaces in `ocppsim.control` steer the runtime's station / fleet
facade and never import `ocppsim.ocpp16` or `ocppsim.store`; this package may, because building a process
means choosing its store file, warming the adapter's validators, and handing the runtime to the surfaces:

- `charger`  one charger with its text command interface (and the REST API / dashboard when configured)
- `fleet`    a fleet run in this process, or sharded over worker processes (their state files first)
- `locust`   the fleet of one Locust worker (`ocppsim locust-agent`)

`ocppsim.cli` parses the command line and calls in here; nothing below imports this package."""
