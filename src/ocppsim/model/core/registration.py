"""Registration and liveness: BootNotification (OCPP 1.6 sections 4.2, 4.2.1), Heartbeat (4.6), the
connection's life, and Reset (5.14) with the reboot that follows it.

Only BootNotification goes out before the CSMS accepts us (section 4.2: "the Charge Point SHALL NOT
send any other request" while Pending or Rejected, except as triggered).
"""

from __future__ import annotations

from ocppsim.model.charger_state import ChargerState
from ocppsim.model.outgoing import BootNotificationReq, HeartbeatReq, Reboot
from ocppsim.model.types import Reason, RegistrationStatus, ResetStatus, ResetType

__all__ = ["BOOT_RETRY_S", "Registration"]

# Wait before retrying a BootNotification the CSMS did not answer, or answered with interval 0
# (offline-and-reliability.md section 1: "CP picks its own wait").
BOOT_RETRY_S = 60.0


class Registration:
    __slots__ = ("_s", "next_boot", "next_heartbeat", "pending_reset")

    def __init__(self, state: ChargerState) -> None:
        self._s = state
        self.next_boot: float | None = None
        self.next_heartbeat: float | None = None
        # A reset waiting for the transactions to end (OCPP 2.0.1 B12 "Reset - With Ongoing Transaction",
        # type OnIdle): the aggregate's next_deadline makes tick run once the charger is idle.
        self.pending_reset: ResetType | None = None

    @property
    def idle(self) -> bool:
        """No transaction and no authorized session waiting for the cable (what OnIdle waits for)."""
        return all(c.tx is None and c.session is None for c in self._s.connectors.values())

    def reset_on_idle(self, reset_type: ResetType, now: float) -> bool:
        """OCPP 2.0.1 B11/B12 Reset OnIdle: at once when idle (True), else once the last transaction
        has ended (False: the CSMS is told Scheduled, B12.FR.01)."""
        self._s.advance(now)
        if self.idle:
            self.reset(reset_type, now)
            return True
        self.pending_reset = reset_type
        return False

    def tick(self, now: float) -> None:
        state = self._s
        if self.pending_reset is not None and self.idle:
            reset_type, self.pending_reset = self.pending_reset, None
            self.reset(reset_type, now)
        if self.next_boot is not None and now >= self.next_boot:
            self.next_boot = None
            if state.connected:
                state.emit(BootNotificationReq(state.boot_info))
        if self.next_heartbeat is not None and now >= self.next_heartbeat:
            state.emit(HeartbeatReq())
            self.restart_heartbeat(now)

    def on_connected(self, now: float) -> None:
        state = self._s
        state.advance(now)
        state.connected = True
        state.registration = None
        self.next_boot = None
        state.emit(BootNotificationReq(state.boot_info))

    def on_reconnected(self, now: float) -> None:
        """OCPP 2.0.1: the connection came back without a reboot (part 4 section 5; B01 boots only at
        start-up): the registration stands, no BootNotification; the heartbeat restarts and every
        connector's status is offered again (the adapter sends what the CSMS has not seen, B04 /
        OfflineThreshold)."""
        state = self._s
        state.advance(now)
        state.connected = True
        state.registration = RegistrationStatus.ACCEPTED
        self.next_boot = None
        self.restart_heartbeat(now)
        state.status.notify_all(now)

    def on_disconnected(self, now: float) -> None:
        state = self._s
        state.advance(now)
        state.connected = False
        state.registration = None
        self.next_boot = None
        self.next_heartbeat = None

    def on_boot_result(self, status: RegistrationStatus, interval: int, now: float) -> None:
        state = self._s
        state.advance(now)
        state.registration = status
        if status is RegistrationStatus.ACCEPTED:
            state.ever_accepted = True
            self.next_boot = None
            if interval > 0:
                # BootNotification.conf interval sets the heartbeat interval (section 4.2).
                state.config.store("HeartbeatInterval", str(interval))
            self.restart_heartbeat(now)
            # A firmware installation that rebooted us ends here (section 5.19: Installed after the boot).
            state.firmware.on_boot_accepted(now)
            state.security.on_boot_accepted(now)  # ... and a signed one (Security Whitepaper L01)
            # After Accepted: one StatusNotification for connector 0 and each connector (errata 3.22).
            state.status.settle_all(now, notify=False)
            state.status.notify_all(now)
        else:
            # Pending / Rejected: boot again after `interval` (section 4.2.1); 0 = our own wait.
            self.next_boot = now + (interval if interval > 0 else BOOT_RETRY_S)
            self.next_heartbeat = None

    def on_boot_failed(self, now: float) -> None:
        self._s.advance(now)
        self.next_boot = now + BOOT_RETRY_S

    def boot_now(self) -> None:
        """TriggerMessage BootNotification (section 5.17)."""
        self._s.emit(BootNotificationReq(self._s.boot_info))

    def heartbeat_now(self, now: float) -> None:
        """TriggerMessage Heartbeat: one now, the next a full interval later."""
        self._s.emit(HeartbeatReq())
        self.restart_heartbeat(now)

    def reset(self, reset_type: ResetType, now: float) -> ResetStatus:
        """Section 5.14: stop every transaction (reason SoftReset / HardReset), then restart."""
        state = self._s
        state.advance(now)
        self.pending_reset = None
        reason = Reason.SOFT_RESET if reset_type is ResetType.SOFT else Reason.HARD_RESET
        for c in state.connectors.values():
            if c.tx is not None:
                state.transactions.stop(c, reason, now)
            state.transactions.end_session(c)
            state.status.settle(c, now)
        state.emit(Reboot(reset_type))
        return ResetStatus.ACCEPTED

    def power_failure(self, *, stop_first: bool, now: float) -> None:
        """The power goes and comes back (OCTT module 14; issue 17 item 7). Every transaction ends with
        reason PowerLoss (7.39): with `stop_first` the charge point still sends the StopTransactions
        before going down (TC_032_1; like a Soft reset, the restart waits for them to be delivered),
        otherwise it goes down at once and delivers them after its next boot (TC_032_2; like a Hard
        reset). Nothing else changes across it: cable, EV, meter, availability (5.2: an Inoperative
        connector stays Unavailable, TC_034)."""
        state = self._s
        state.advance(now)
        for c in state.connectors.values():
            if c.tx is not None:
                state.transactions.stop(c, Reason.POWER_LOSS, now)
            state.transactions.end_session(c)
            state.status.settle(c, now, notify=stop_first)
        state.emit(Reboot(ResetType.SOFT if stop_first else ResetType.HARD))

    def on_reboot(self, now: float) -> None:
        """The application restarted (Reset): sessions end, physical state (cable, EV, meter) stays."""
        state = self._s
        state.advance(now)
        state.registration = None
        self.next_boot = None
        self.next_heartbeat = None
        for c in state.connectors.values():
            state.transactions.end_session(c)
        state.status.settle_all(now, notify=False)
        state.security.security_event("ResetOrReboot", now)  # Security Whitepaper section 8 (critical)

    def set_clock_offset(self, offset: float) -> None:
        """The CSMS's time (BootNotification.conf / Heartbeat.conf currentTime) minus ours."""
        state = self._s
        if offset != state.clock_offset:
            # Security Whitepaper section 8: SettingSystemTime (critical), logged at the old time.
            state.security.security_event(
                "SettingSystemTime", state.last, f"clock moved {offset - state.clock_offset:+.3f} s"
            )
        state.clock_offset = offset

    def restart_heartbeat(self, now: float) -> None:
        interval = self._s.config.get_int("HeartbeatInterval")
        self.next_heartbeat = now + interval if interval > 0 else None

    def key_allowed(self, name: str, value: str) -> bool:
        return True

    def key_changed(self, name: str, value: str, now: float) -> None:
        if name == "HeartbeatInterval" and self._s.accepted:
            self.restart_heartbeat(now)
