"""The 2.0.1 CS->CP handlers, one module per functional block of the shared model (core,
transactions, remote_trigger, device_model); `dispatch` routes a CALL to its handler."""
