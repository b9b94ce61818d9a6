"""Property-based fuzz of the 2.0.1 adapter on the shared model (bounded here; `make fuzz` runs it long):
whatever a CSMS sends, a handler answers with a schema-valid result or a CALLERROR of part 4 Table 8
(never a crash), and every message the model queues in response is schema-valid too."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import Request
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.framing import Call
from ocppsim.ocpp16.handlers.call_error import OcppCallError
from ocppsim.ocpp201.framing import ErrorCode
from ocppsim.ocpp201.validation import validators
from ocppsim.ocpp201.wire import Wire201

EXAMPLES = int(os.environ.get("OCPPSIM_FUZZ_EXAMPLES", "300"))
T0 = 1_717_200_000.0
CODES = {value for name, value in vars(ErrorCode).items() if name.isupper()}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 1000),
    st.text(max_size=30),
    st.sampled_from(
        ["Actual", "Target", "OCPPCommCtrlr", "EVSE", "HeartbeatInterval", "Immediate", "OnIdle"]
    ),
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)
component = st.fixed_dictionaries(
    {"name": st.sampled_from(["OCPPCommCtrlr", "TxCtrlr", "EVSE", "Connector", "Nope", "ocppcommctrlr"])},
    optional={
        "evse": st.fixed_dictionaries({"id": st.integers(0, 3)}, optional={"connectorId": st.integers(0, 2)})
    },
)
variable = st.fixed_dictionaries(
    {"name": st.sampled_from(["HeartbeatInterval", "TxStopPoint", "AvailabilityState", "Power", "X"])},
    optional={"instance": st.sampled_from(["Default", "TransactionEvent", "x"])},
)
attribute = st.sampled_from(["Actual", "Target", "MinSet", "MaxSet"])
VALID: dict[str, Any] = {
    "GetVariables": st.fixed_dictionaries(
        {
            "getVariableData": st.lists(
                st.fixed_dictionaries(
                    {"component": component, "variable": variable}, optional={"attributeType": attribute}
                ),
                min_size=1,
                max_size=4,
            )
        }
    ),
    "SetVariables": st.fixed_dictionaries(
        {
            "setVariableData": st.lists(
                st.fixed_dictionaries(
                    {"component": component, "variable": variable, "attributeValue": st.text(max_size=20)},
                    optional={"attributeType": attribute},
                ),
                min_size=1,
                max_size=4,
            )
        }
    ),
    "GetReport": st.fixed_dictionaries(
        {"requestId": st.integers(0, 9)},
        optional={
            "componentCriteria": st.lists(
                st.sampled_from(["Active", "Available", "Enabled", "Problem"]), min_size=1
            ),
            "componentVariable": st.lists(
                st.fixed_dictionaries({"component": component}, optional={"variable": variable}), min_size=1
            ),
        },
    ),
    "Reset": st.fixed_dictionaries(
        {"type": st.sampled_from(["Immediate", "OnIdle"])}, optional={"evseId": st.integers(0, 2)}
    ),
    "ChangeAvailability": st.fixed_dictionaries(
        {"operationalStatus": st.sampled_from(["Operative", "Inoperative"])},
        optional={
            "evse": st.fixed_dictionaries(
                {"id": st.integers(0, 3)}, optional={"connectorId": st.integers(0, 2)}
            )
        },
    ),
    "RequestStartTransaction": st.fixed_dictionaries(
        {
            "idToken": st.fixed_dictionaries(
                {"idToken": st.text(min_size=1, max_size=8), "type": st.just("Central")}
            ),
            "remoteStartId": st.integers(0, 9),
        },
        optional={"evseId": st.integers(0, 3)},
    ),
    "RequestStopTransaction": st.fixed_dictionaries({"transactionId": st.text(max_size=5)}),
    "TriggerMessage": st.fixed_dictionaries(
        {
            "requestedMessage": st.sampled_from(
                [
                    "BootNotification",
                    "Heartbeat",
                    "StatusNotification",
                    "MeterValues",
                    "TransactionEvent",
                    "LogStatusNotification",
                    "SignV2GCertificate",
                ]
            )
        },
        optional={"evse": st.fixed_dictionaries({"id": st.integers(0, 3)})},
    ),
    "UnlockConnector": st.fixed_dictionaries({"evseId": st.integers(0, 3), "connectorId": st.integers(0, 2)}),
    "GetTransactionStatus": st.fixed_dictionaries({}, optional={"transactionId": st.text(max_size=5)}),
}
frames = st.one_of(
    st.sampled_from(sorted(VALID)).flatmap(lambda action: st.tuples(st.just(action), VALID[action])),
    st.tuples(
        st.sampled_from(sorted(validators.actions)), st.dictionaries(st.text(max_size=12), values, max_size=3)
    ),
)


def _charger() -> tuple[Charger, Wire201]:
    charger = Charger(ChargerParams("F1", number_of_connectors=2, ocpp_versions=("2.0.1",)), now=T0)
    wire = Wire201(charger)
    charger.boot.on_connected(T0)
    charger.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    charger.drain()
    return charger, wire


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(frames, min_size=1, max_size=6), st.booleans())
def test_any_frame_gets_a_valid_answer(calls: list[tuple[str, dict[str, Any]]], plugged: bool) -> None:
    charger, wire = _charger()
    if plugged:
        charger.ev_inputs.plug_in(1, T0)
    now = T0
    for action, payload in calls:
        now += 1
        code = None
        try:
            result = wire.handle_call(Call("1", action, payload), now, validate=True)
        except OcppCallError as exc:
            code = exc.code
        else:
            validators.response(action, result)
        assert code is None or (code in CODES and code != ErrorCode.INTERNAL_ERROR), code
        for effect in charger.drain():
            if isinstance(effect, Request) and wire.wanted(effect):
                sent_action, sent = wire.prepare(effect)
                validators.request(sent_action, sent)
        charger.tick(now)
    assert charger.illegal_transitions == []
