"""Property-based fuzz over CS->CP frames (bounded here; `make fuzz` runs it long).

Whatever arrives, the charger answers every CALL exactly once, under its id, with a schema-valid
CALLRESULT or a Table 7 CALLERROR, never InternalError (that would be a handler crash), keeps its state
machine legal, and keeps working."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp16.framing import MAX_UNIQUE_ID_LENGTH
from ocppsim.ocpp16.validation import CS_ACTIONS, validators
from ocppsim.runtime.clock import FakeClock
from ocppsim.runtime.station import Station, StationOptions

EXAMPLES = int(os.environ.get("OCPPSIM_FUZZ_EXAMPLES", "300"))
T0 = 1_717_200_000.0

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=40),
    st.sampled_from(
        [
            "Accepted",
            "Soft",
            "Hard",
            "Operative",
            "Inoperative",
            "A",
            "W",
            "TxProfile",
            "TxDefaultProfile",
            "ChargePointMaxProfile",
            "Absolute",
            "Relative",
            "Recurring",
            "Daily",
            "StatusNotification",
            "MeterValues",
            "Heartbeat",
            "BootNotification",
            "2030-01-01T00:00:00Z",
            "HeartbeatInterval",
            "TAG",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "connectorId",
    "idTag",
    "type",
    "key",
    "value",
    "transactionId",
    "requestedMessage",
    "vendorId",
    "messageId",
    "data",
    "id",
    "chargingProfilePurpose",
    "stackLevel",
    "duration",
    "chargingRateUnit",
    "location",
]
period = st.fixed_dictionaries(
    {"startPeriod": st.integers(-5, 4000), "limit": st.floats(-5, 100, allow_nan=False)},
    optional={"numberPhases": st.integers(-1, 4)},
)
profile = st.fixed_dictionaries(
    {
        "chargingProfileId": st.integers(-3, 30),
        "stackLevel": st.integers(-1, 10),
        "chargingProfilePurpose": st.sampled_from(["TxProfile", "TxDefaultProfile", "ChargePointMaxProfile"]),
        "chargingProfileKind": st.sampled_from(["Absolute", "Relative", "Recurring"]),
        "chargingSchedule": st.fixed_dictionaries(
            {
                "chargingRateUnit": st.sampled_from(["A", "W"]),
                "chargingSchedulePeriod": st.lists(period, max_size=4),
            },
            optional={
                "duration": st.integers(-10, 100_000),
                "startSchedule": st.sampled_from(
                    ["2024-01-01T00:00:00Z", "2030-06-01T12:00:00.5+02:00", "bad"]
                ),
            },
        ),
    },
    optional={
        "transactionId": st.integers(-2, 5),
        "recurrencyKind": st.sampled_from(["Daily", "Weekly", "Yearly"]),
    },
)
payloads = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
    st.fixed_dictionaries({"connectorId": st.integers(-1, 3), "csChargingProfiles": profile}),
    st.fixed_dictionaries(
        {"idTag": st.text(max_size=25)},
        optional={"connectorId": st.integers(-1, 3), "chargingProfile": profile},
    ),
)
connector = st.integers(-1, 3)
id_tags = st.one_of(st.sampled_from(["TAG", "tag", "OTHER"]), st.text(min_size=1, max_size=22))
config_keys = st.sampled_from(
    [
        "HeartbeatInterval",
        "MeterValueSampleInterval",
        "MeterValuesSampledData",
        "StopTxnSampledData",
        "AuthorizeRemoteTxRequests",
        "ClockAlignedDataInterval",
        "voltage_V",
        "SecurityProfile",
        "AuthorizationKey",
        "OCPPAuthorizationEnabled",
        "WebSocketPingInterval",
        "NumberOfConnectors",
        "ConnectionTimeOut",
        "Nope",
    ]
)
config_values = st.one_of(
    st.sampled_from(
        [
            "0",
            "1",
            "10",
            "-5",
            "true",
            "FALSE",
            "230.5",
            "",
            "Voltage,SoC",
            "Energy.Active.Import.Register",
            "0123456789abcdef0123456789abcdef",
            "1e3",
            "nan",
        ]
    ),
    st.text(max_size=30),
)
VALID = {
    "ChangeAvailability": st.fixed_dictionaries(
        {"connectorId": connector, "type": st.sampled_from(["Operative", "Inoperative"])}
    ),
    "ChangeConfiguration": st.fixed_dictionaries({"key": config_keys, "value": config_values}),
    "ClearCache": st.just({}),
    "DataTransfer": st.fixed_dictionaries(
        {"vendorId": st.text(min_size=1, max_size=20)},
        optional={"messageId": st.text(max_size=10), "data": st.text()},
    ),
    "GetConfiguration": st.fixed_dictionaries({}, optional={"key": st.lists(config_keys, max_size=4)}),
    "RemoteStartTransaction": st.fixed_dictionaries(
        {"idTag": id_tags}, optional={"connectorId": connector, "chargingProfile": profile}
    ),
    "RemoteStopTransaction": st.fixed_dictionaries({"transactionId": st.integers(-1, 5)}),
    "Reset": st.fixed_dictionaries({"type": st.sampled_from(["Soft", "Hard"])}),
    "UnlockConnector": st.fixed_dictionaries({"connectorId": connector}),
    "TriggerMessage": st.fixed_dictionaries(
        {
            "requestedMessage": st.sampled_from(
                [
                    "BootNotification",
                    "DiagnosticsStatusNotification",
                    "FirmwareStatusNotification",
                    "Heartbeat",
                    "MeterValues",
                    "StatusNotification",
                ]
            )
        },
        optional={"connectorId": connector},
    ),
    "SetChargingProfile": st.fixed_dictionaries({"connectorId": connector, "csChargingProfiles": profile}),
    "ClearChargingProfile": st.fixed_dictionaries(
        {},
        optional={
            "id": st.integers(-1, 30),
            "connectorId": connector,
            "chargingProfilePurpose": st.sampled_from(
                ["TxProfile", "TxDefaultProfile", "ChargePointMaxProfile"]
            ),
            "stackLevel": st.integers(-1, 9),
        },
    ),
    "GetCompositeSchedule": st.fixed_dictionaries(
        {"connectorId": connector, "duration": st.integers(-5, 200_000)},
        optional={"chargingRateUnit": st.sampled_from(["A", "W", "kW"])},
    ),
    "Authorize": st.fixed_dictionaries({"idTag": id_tags}),
    "GetLocalListVersion": st.just({}),
    "SendLocalList": st.fixed_dictionaries(
        {
            "listVersion": st.integers(-2, 10),
            "updateType": st.sampled_from(["Full", "Differential", "Partial"]),
        },
        optional={
            "localAuthorizationList": st.lists(
                st.fixed_dictionaries(
                    {"idTag": id_tags},
                    optional={
                        "idTagInfo": st.fixed_dictionaries(
                            {
                                "status": st.sampled_from(
                                    ["Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx"]
                                )
                            },
                            optional={
                                "expiryDate": st.sampled_from(
                                    ["2020-01-01T00:00:00Z", "2040-01-01T00:00:00Z"]
                                )
                            },
                        )
                    },
                ),
                max_size=5,
            )
        },
    ),
}


@st.composite
def mutated(draw: st.DrawFn, payload: dict[str, Any]) -> dict[str, Any]:
    """Usually as generated; sometimes a field dropped, added or given a value of another type."""
    choice = draw(st.integers(0, 5))
    result = dict(payload)
    if choice == 1 and result:
        result.pop(draw(st.sampled_from(sorted(result))))
    elif choice == 2:
        result[draw(st.sampled_from(FIELDS))] = draw(json_values)
    elif choice == 3 and result:
        result[draw(st.sampled_from(sorted(result)))] = draw(json_values)
    return result


valid_calls = st.sampled_from(sorted(VALID)).flatmap(
    lambda action: st.tuples(st.just(action), VALID[action].flatmap(mutated))
)
unique_ids = st.one_of(st.text(min_size=1, max_size=40), st.integers().map(str))
actions = st.one_of(st.sampled_from(sorted(CS_ACTIONS)), st.text(max_size=20))
calls = st.one_of(
    st.tuples(st.just(2), unique_ids, actions, payloads).map(lambda t: json.dumps(list(t))),
    st.tuples(unique_ids, valid_calls).map(lambda t: json.dumps([2, t[0], t[1][0], t[1][1]])),
    st.tuples(unique_ids, valid_calls).map(lambda t: json.dumps([2, t[0], t[1][0], t[1][1]])),
    st.tuples(unique_ids, valid_calls).map(lambda t: json.dumps([2, t[0], t[1][0], t[1][1]])),
)
junk = st.one_of(
    st.text(max_size=200),
    json_values.map(json.dumps),
    st.lists(json_values, max_size=6).map(json.dumps),
    st.tuples(st.sampled_from([3, 4, 5, -1]), unique_ids, json_values).map(lambda t: json.dumps(list(t))),
)
frames = st.lists(st.one_of(calls, calls, junk), min_size=1, max_size=12)


class FakeWs:
    """A link that records what the station sends (runtime/ws_client.Link)."""

    subprotocol = "ocpp1.6"

    def __init__(self) -> None:
        self.sent: list[str | bytes] = []

    def send(self, message: str | bytes) -> bool:
        self.sent.append(message)
        return True

    def ping(self) -> None:
        pass

    def close(self) -> None:
        pass


def expected_call(text: str) -> tuple[str, str] | None:
    """(unique id, action) if `text` is a well-formed CALL that is owed an answer under its own id."""
    try:
        frame = json.loads(text)
    except ValueError:
        return None
    if (
        isinstance(frame, list)
        and len(frame) == 4
        and frame[0] == 2
        and not isinstance(frame[0], bool)
        and isinstance(frame[1], str)
        and 0 < len(frame[1]) <= MAX_UNIQUE_ID_LENGTH
        and isinstance(frame[2], str)
        and isinstance(frame[3], dict)
    ):
        return frame[1], frame[2]
    return None


async def run(messages: list[str]) -> None:
    clock = FakeClock(T0)
    charger = Charger(ChargerParams("FUZZ", number_of_connectors=2, strict_transitions=True), now=T0)
    station = Station(charger, StationOptions(url="ws://127.0.0.1:9/ocpp"), clock=clock)
    charger.boot.on_connected(T0)
    charger.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    charger.drain()
    ws = FakeWs()
    station._ws = ws
    for text in messages:
        before = len(ws.sent)
        station.on_message(text)
        replies = [json.loads(r) for r in ws.sent[before:]]
        owed = expected_call(text)
        if owed is not None:
            unique_id, action = owed
            assert len(replies) == 1, (text, replies)
            reply: list[Any] = replies[0]
            assert reply[1] == unique_id
            assert reply[0] in (3, 4)
            if reply[0] == 3:
                validators.response(action, reply[2])
                event(f"CALLRESULT {action}")
            else:
                assert reply[2] != "InternalError", (text, reply)
                event(f"CALLERROR {reply[2]}")
        await clock.advance(float(len(text) % 7) * 10)
    assert charger.illegal_transitions == []


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames)
def test_no_frame_crashes_the_charger(messages: list[str]) -> None:
    asyncio.run(run(messages))
