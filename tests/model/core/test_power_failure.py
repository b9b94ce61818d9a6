"""Registration.power_failure (OCTT module 14, issue 17 item 7): transactions end with reason PowerLoss,
then the reboot: Soft-like (stops delivered first) or Hard-like (at once)."""

from __future__ import annotations

from model.charger_fixtures import T0, booted, start_charging
from ocppsim.model.outgoing import Reboot, StatusNotificationReq, StopTransactionReq
from ocppsim.model.types import ChargePointStatus, Reason, ResetType


def test_stop_first_reports_and_reboots_like_a_soft_reset() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    ch.boot.power_failure(stop_first=True, now=T0 + 60)
    effects = ch.drain()
    (stop,) = [e for e in effects if isinstance(e, StopTransactionReq)]
    assert stop.reason is Reason.POWER_LOSS
    assert any(isinstance(e, StatusNotificationReq) for e in effects)  # still powered: reports Finishing
    assert effects[-1] == Reboot(ResetType.SOFT)


def test_down_at_once_reports_nothing_and_reboots_like_a_hard_reset() -> None:
    ch = booted()
    start_charging(ch)
    ch.drain()
    ch.boot.power_failure(stop_first=False, now=T0 + 60)
    effects = ch.drain()
    assert not any(isinstance(e, StatusNotificationReq) for e in effects)  # no power to report with
    (stop,) = [e for e in effects if isinstance(e, StopTransactionReq)]
    assert stop.reason is Reason.POWER_LOSS
    assert effects[-1] == Reboot(ResetType.HARD)
    assert ch.connector_status(1) is ChargePointStatus.FINISHING  # the cable is still in
    assert ch.view(1, T0 + 60).transaction_id is None


def test_without_transactions_only_the_reboot() -> None:
    ch = booted()
    ch.boot.power_failure(stop_first=False, now=T0)
    assert ch.drain() == [Reboot(ResetType.HARD)]
