"""ChangeAvailability and injected faults (core/availability.py), on the Charger."""

from __future__ import annotations

from charger_fixtures import T0, booted, start_charging, statuses

from ocppsim.model.charger import Fault
from ocppsim.model.outgoing import StatusNotificationReq
from ocppsim.model.types import AvailabilityStatus, AvailabilityType, ChargePointErrorCode
from ocppsim.model.types import ChargePointStatus as S


def test_change_availability_scheduled_during_transaction() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    assert (
        ch.availability.change_availability(1, AvailabilityType.INOPERATIVE, T0)
        is AvailabilityStatus.SCHEDULED
    )
    assert ch.view(1, T0).status is S.CHARGING
    ch.authorization.present_tag(1, "TAG", T0 + 10)
    assert statuses(ch.drain()) == ["Finishing"]
    ch.ev_inputs.unplug(1, T0 + 20)
    assert statuses(ch.drain()) == ["Unavailable"]
    assert (
        ch.availability.change_availability(1, AvailabilityType.OPERATIVE, T0 + 30)
        is AvailabilityStatus.ACCEPTED
    )
    assert statuses(ch.drain()) == ["Available"]
    assert (
        ch.availability.change_availability(5, AvailabilityType.OPERATIVE, T0) is AvailabilityStatus.REJECTED
    )


def test_change_availability_connector_zero() -> None:
    ch = booted(number_of_connectors=2)
    assert (
        ch.availability.change_availability(0, AvailabilityType.INOPERATIVE, T0)
        is AvailabilityStatus.ACCEPTED
    )
    effects = ch.drain()
    assert [(e.connector_id, e.status.value) for e in effects if isinstance(e, StatusNotificationReq)] == [
        (0, "Unavailable"),
        (1, "Unavailable"),
        (2, "Unavailable"),
    ]


def test_fault_injection_and_recovery() -> None:
    ch = booted()
    ch.availability.set_fault(1, Fault(ChargePointErrorCode.GROUND_FAILURE, "RCD"), T0)
    effects = ch.drain()
    assert [
        (e.status.value, e.error_code.value, e.info) for e in effects if isinstance(e, StatusNotificationReq)
    ] == [("Faulted", "GroundFailure", "RCD")]
    ch.availability.set_fault(1, None, T0 + 1)
    assert statuses(ch.drain()) == ["Available"]


def test_connector_zero_scheduled_goes_unavailable_when_the_last_connector_is_free() -> None:
    """Section 5.2 on connector 0: every connector; Scheduled while one is in use; connector 0 reports
    Unavailable once every connector has (issue 17)."""
    from ocppsim.model.outgoing import AvailabilityChanged
    from ocppsim.model.types import AvailabilityStatus, AvailabilityType

    ch = booted(number_of_connectors=2)
    start_charging(ch)
    ch.drain()
    status = ch.availability.change_availability(0, AvailabilityType.INOPERATIVE, T0)
    assert status is AvailabilityStatus.SCHEDULED
    effects = ch.drain()
    assert statuses(effects, 2) == ["Unavailable"]
    assert statuses(effects, 0) == []  # connector 1 still charges
    assert AvailabilityChanged((0, 1, 2)) in effects
    ch.transactions.remote_stop(42, T0 + 10)
    ch.ev_inputs.unplug(1, T0 + 11)
    effects = ch.drain()
    assert statuses(effects, 1)[-1] == "Unavailable"
    assert statuses(effects, 0) == ["Unavailable"]
    assert ch.availability.change_availability(0, AvailabilityType.OPERATIVE, T0 + 20) is (
        AvailabilityStatus.ACCEPTED
    )
    effects = ch.drain()
    assert (statuses(effects, 0), statuses(effects, 1), statuses(effects, 2)) == (
        ["Available"],
        ["Available"],
        ["Available"],
    )
    assert AvailabilityChanged(()) in effects


def test_inoperative_connectors_are_restored_unavailable() -> None:
    """Section 5.2: "Connector set to Unavailable shall persist a reboot" (the store hands them back)."""
    from ocppsim.model.charger import Charger, ChargerParams
    from ocppsim.model.types import ChargePointStatus, RegistrationStatus

    ch = Charger(ChargerParams("CP", number_of_connectors=2), now=T0, inoperative=(0, 2))
    ch.boot.on_connected(T0)
    ch.boot.on_boot_result(RegistrationStatus.ACCEPTED, 300, T0)
    effects = ch.drain()
    assert statuses(effects, 0) == ["Unavailable"]
    assert statuses(effects, 1) == ["Available"]
    assert statuses(effects, 2) == ["Unavailable"]
    assert ch.connector_status(2) is ChargePointStatus.UNAVAILABLE
