"""control layer: the SURFACES, one room each, that steer the runtime (station / fleet facade) and never
speak OCPP or touch the store (pyproject.toml's import contracts keep it so):

- `http/`     the REST API, its models, the web dashboard (static/) and Prometheus /metrics
- `text/`     the text command interface of the original ocppsim (grammar, server, fleet addressing, shell)
- `fleet/`    one fleet run and its shards: worker processes, the parent's router, the live view
- `locust/`   the Locust integration (the users in Locust's process, the agent fleet they steer)

Beside them, what several surfaces share: `connector_actions` (what a person does at a connector) and
`readout` (what a fleet view reads). The process that wires store, adapter, runtime and surfaces together
is built in `ocppsim.app`."""
