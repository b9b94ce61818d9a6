"""Functional block N (diagnostics) of OCPP 2.0.1, monitoring part: variable monitors over the device
model (part 1 section 4.4, use cases N02-N08) and the events they raise."""
