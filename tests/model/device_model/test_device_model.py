"""The device model over the charger's one key registry (model/device_model/): lookups and every
attributeStatus, one value for both versions, reports and criteria, the reset on idle."""

from __future__ import annotations

from charger_fixtures import T0, booted, start_charging

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.device_model.block import ComponentRef, DeviceModel, VariableRef
from ocppsim.model.device_model.status import connector_status
from ocppsim.model.device_model.variables import AttributeType, Mutability
from ocppsim.model.outgoing import ConfigChanged, Reboot, StopTransactionReq
from ocppsim.model.types import ChargePointStatus, ResetType

A = AttributeType.ACTUAL


def model(**params: object) -> tuple[Charger, DeviceModel]:
    ch = booted(ocpp_versions=("2.0.1",), **params)
    return ch, ch.device_model()


def get(dm: DeviceModel, comp: ComponentRef, var: str, instance: str | None = None, attr: AttributeType = A):
    return dm.get_variable(comp, VariableRef(var, instance), attr, T0)


def test_every_get_status() -> None:
    _, dm = model()
    comm = ComponentRef("OCPPCommCtrlr")
    assert get(dm, comm, "HeartbeatInterval") == ("Accepted", "300")
    assert get(dm, ComponentRef("ocppcommctrlr"), "heartbeatinterval") == ("Accepted", "300")  # CiString
    assert get(dm, ComponentRef("NoSuchCtrlr"), "HeartbeatInterval") == ("UnknownComponent", None)
    assert get(dm, comm, "NoSuchVariable") == ("UnknownVariable", None)
    assert get(dm, comm, "HeartbeatInterval", attr=AttributeType.TARGET) == (
        "NotSupportedAttributeType",
        None,
    )
    assert get(dm, comm, "MessageTimeout") == ("UnknownVariable", None)  # it has an instance
    assert get(dm, comm, "MessageTimeout", "Default") == ("Accepted", "30")


def test_evse_and_connector_components() -> None:
    _, dm = model(number_of_connectors=2)
    assert get(dm, ComponentRef("EVSE", evse=2), "AvailabilityState") == ("Accepted", "Available")
    assert get(dm, ComponentRef("EVSE", evse=3), "AvailabilityState") == ("UnknownComponent", None)
    assert get(dm, ComponentRef("EVSE"), "AvailabilityState") == ("UnknownComponent", None)
    assert get(dm, ComponentRef("Connector", evse=1, connector=1), "ConnectorType") == ("Accepted", "cType2")
    assert get(dm, ComponentRef("Connector", evse=1, connector=2), "ConnectorType") == (
        "UnknownComponent",
        None,
    )
    status, value = get(dm, ComponentRef("EVSE", evse=1), "Power", attr=AttributeType.MAX_SET)
    assert status == "Accepted" and float(value or 0) > 0


def test_set_goes_through_the_1_6_key_and_its_owner() -> None:
    ch, dm = model()
    comm = ComponentRef("OCPPCommCtrlr")
    assert dm.set_variable(comm, VariableRef("HeartbeatInterval"), A, "60", T0) == "Accepted"
    assert ch.config.get_int("HeartbeatInterval") == 60
    assert ch.boot.next_heartbeat == T0 + 60  # the owner's hook ran (1.6 ChangeConfiguration)
    assert ConfigChanged("HeartbeatInterval", "60") in ch.drain()


def test_set_statuses() -> None:
    ch, dm = model()
    tx = ComponentRef("TxCtrlr")
    assert dm.set_variable(tx, VariableRef("TxStopPoint"), A, "EVConnected", T0) == "Accepted"
    assert ch.config.raw("TxCtrlr.TxStopPoint") == "EVConnected"
    assert dm.set_variable(tx, VariableRef("TxStopPoint"), A, "EVConnected,Nowhere", T0) == "Rejected"
    assert dm.set_variable(tx, VariableRef("EVConnectionTimeOut"), A, "-5", T0) == "Rejected"
    assert dm.set_variable(tx, VariableRef("EVConnectionTimeOut"), A, "x", T0) == "Rejected"
    assert dm.set_variable(tx, VariableRef("TxBeforeAcceptedEnabled"), A, "true", T0) == "Rejected"  # RO
    assert dm.set_variable(tx, VariableRef("Nope"), A, "1", T0) == "UnknownVariable"
    assert dm.set_variable(ComponentRef("Nope"), VariableRef("Nope"), A, "1", T0) == "UnknownComponent"
    ev = ComponentRef("EVSE", evse=1)
    assert (
        dm.set_variable(ev, VariableRef("Power"), AttributeType.TARGET, "1", T0)
        == "NotSupportedAttributeType"
    )
    assert dm.set_variable(ev, VariableRef("Power"), AttributeType.MAX_SET, "1", T0) == "Rejected"


def test_reboot_required_passes_through() -> None:
    # SecurityProfile is read-only in 2.0.1 (SetNetworkProfile changes it), unlike 1.6's key.
    _, dm = model()
    assert (
        dm.set_variable(ComponentRef("SecurityCtrlr"), VariableRef("SecurityProfile"), A, "1", T0)
        == "Rejected"
    )


def test_values_persist_as_keys() -> None:
    ch, dm = model()
    dm.set_variable(ComponentRef("OCPPCommCtrlr"), VariableRef("OfflineThreshold"), A, "200", T0)
    assert ConfigChanged("OCPPCommCtrlr.OfflineThreshold", "200") in ch.drain()
    again = Charger(
        ChargerParams("CP", ocpp_versions=("2.0.1",)),
        now=T0,
        config_overrides={"OCPPCommCtrlr.OfflineThreshold": "200"},
    )
    assert get(again.device_model(), ComponentRef("OCPPCommCtrlr"), "OfflineThreshold") == ("Accepted", "200")


def test_a_1_6_charger_has_no_device_model_keys() -> None:
    ch = booted()
    assert ch.config.spec("TxCtrlr.TxStartPoint") is None


def test_live_facts() -> None:
    ch, dm = model()
    start_charging(ch)
    assert get(dm, ComponentRef("EVSE", evse=1), "AvailabilityState") == ("Accepted", "Occupied")
    assert get(dm, ComponentRef("ChargingStation"), "AvailabilityState") == ("Accepted", "Available")
    assert get(dm, ComponentRef("ClockCtrlr"), "DateTime")[1] == "2023-11-14T22:13:20.000Z"
    assert get(dm, ComponentRef("SecurityCtrlr"), "Identity") == ("Accepted", "CP")


def test_base_reports() -> None:
    _, dm = model()
    full = dm.base_report("FullInventory")
    config = dm.base_report("ConfigurationInventory")
    summary = dm.base_report("SummaryInventory")
    assert full is not None and config is not None and summary is not None
    assert len(config) < len(full)
    assert all(spec.mutability is not Mutability.READ_ONLY for spec in config)
    assert {spec.variable for spec in summary} == {"AvailabilityState"}
    assert dm.base_report("Nonsense") is None
    entry = dm.entry(next(s for s in full if s.variable == "TxStopPoint"), T0)
    # DataSigned only where a signing meter can honour it; SignReadings only there too.
    assert entry.values_list == "ParkingBayOccupancy,EVConnected,Authorized,PowerPathClosed,EnergyTransfer"
    assert entry.attributes == (("Actual", "EVConnected,Authorized", "ReadWrite"),)
    assert not any(s.variable == "SignReadings" for s in full)
    assert get(dm, ComponentRef("SampledDataCtrlr"), "SignReadings") == ("UnknownVariable", None)
    _, signing = model(signed_meter_values="ocmf")
    signed_full = signing.base_report("FullInventory")
    assert signed_full is not None
    stop = signing.entry(next(s for s in signed_full if s.variable == "TxStopPoint"), T0)
    assert stop.values_list is not None and stop.values_list.endswith(",EnergyTransfer,DataSigned")
    assert get(signing, ComponentRef("SampledDataCtrlr"), "SignReadings") == ("Accepted", "true")


def test_report_selectors_and_criteria() -> None:
    _, dm = model(number_of_connectors=2)
    evse2 = dm.report([(ComponentRef("EVSE", evse=2), None)], [], T0)
    assert {(s.component, s.evse) for s in evse2} == {("EVSE", 2)}
    one = dm.report([(ComponentRef("OCPPCommCtrlr"), VariableRef("HeartbeatInterval"))], [], T0)
    assert [s.variable for s in one] == ["HeartbeatInterval"]
    available = dm.report([], ["Available"], T0)
    assert {s.component for s in available} >= {"ChargingStation", "EVSE", "Connector", "AuthCacheCtrlr"}
    assert "OCPPCommCtrlr" not in {s.component for s in available}  # it has no Available variable
    assert dm.report([], ["Problem"], T0) == []


def test_connector_status_folds_transaction_states() -> None:
    assert connector_status(ChargePointStatus.CHARGING) == "Occupied"
    assert connector_status(ChargePointStatus.FINISHING) == "Occupied"
    assert connector_status(ChargePointStatus.RESERVED) == "Reserved"


def test_reset_on_idle_waits_for_the_transaction() -> None:
    ch, _ = model()
    start_charging(ch)
    assert ch.boot.reset_on_idle(ResetType.SOFT, T0) is False
    assert not any(isinstance(e, Reboot) for e in ch.drain())
    ch.ev_inputs.unplug(1, T0 + 10)
    assert ch.next_deadline() == T0 + 10  # due now: the wait is over
    ch.tick(T0 + 10)
    effects = ch.drain()
    assert Reboot(ResetType.SOFT) in effects
    assert ch.boot.pending_reset is None


def test_reset_on_idle_at_once_when_idle() -> None:
    ch, _ = model()
    assert ch.boot.reset_on_idle(ResetType.SOFT, T0) is True
    assert Reboot(ResetType.SOFT) in ch.drain()


def test_remote_stop_by_reference() -> None:
    ch, _ = model()
    ref = start_charging(ch)
    assert ch.transactions.remote_stop_ref(ref + 1, T0).value == "Rejected"
    assert ch.transactions.remote_stop_ref(ref, T0).value == "Accepted"
    assert any(isinstance(e, StopTransactionReq) and e.tx_ref == ref for e in ch.drain())
