"""ocppsim: an OCPP 1.6J charge point simulator."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ocppsim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
