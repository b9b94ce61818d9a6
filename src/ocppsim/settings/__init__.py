"""Settings: every source a process is configured from, one module each, ending in frozen specs.

- `specs`       the frozen dataclasses (Settings, HttpSettings, FleetSpec, FleetCharger) and SettingsError
- `ini_file`    the original ocppsim's INI file (format unchanged) -> Settings
- `fleet_file`  the fleet file (TOML) -> FleetSpec
- `flags`       command line flags and environment variables (--http, a fleet from --count/--url, ...)

Importers name the module they need (`from ocppsim.settings.specs import Settings`)."""
