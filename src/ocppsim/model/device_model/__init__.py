"""The OCPP 2.0.1 device model (part 1 section 3 "Device model", part 2 appendices "Standardized
components and variables") over the same charger: components and variables with their attributes,
characteristics and mutability."""
