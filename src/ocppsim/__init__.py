"""ocppsim: an OCPP 1.6J and 2.0.1 charge point simulator."""

# Single source of the version (pyproject reads it); a constant keeps `import ocppsim.model` free of
# importlib.metadata, which pulls in email and socket.
__version__ = "0.1.0"

__all__ = ["__version__"]
