"""The OCPP 2.0.1 adapter (OCPP-J for 2.0.1: part 4): framing, schemas, payloads <-> the same model the
1.6 adapter serves, and the CS->CP handlers per block. Parameterised by `version.OcppVersion` (subprotocol,
schema folder) so that OCPP 2.1 is a delta on this package, not a copy."""
