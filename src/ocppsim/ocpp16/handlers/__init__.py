"""The CS->CP handlers, one module per functional block of the model (core, transactions,
authorization, smart_charging, remote_trigger, configuration); `dispatch` routes a CALL to its handler."""

from ocppsim.ocpp16.handlers.call_error import OcppCallError
from ocppsim.ocpp16.handlers.dispatch import HANDLERS, handle_call

__all__ = ["HANDLERS", "OcppCallError", "handle_call"]
