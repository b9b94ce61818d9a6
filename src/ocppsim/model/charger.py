"""The charger aggregate: one charge point as a composition of its functional blocks, which share one
connector table and one effect queue (`charger_state.py`). Pure: every input takes `now`; results are
plain values and the CP->CS requests it wants sent are drained as effects (`drain()`). `next_deadline()`
says when `tick()` must run next, so the runtime keeps one timer per charger and never polls.

Find a rule by its block (docs/architecture.md has the table with the spec sections):

| attribute | block | OCPP 1.6 |
|---|---|---|
| `boot` | core/registration.py | 4.2 BootNotification, 4.6 Heartbeat, 5.14 Reset |
| `availability` | core/availability.py | 5.2 ChangeAvailability, faults (4.9) |
| `ev_inputs` | core/ev_inputs.py | the cable and the EV (4.9 status triggers) |
| `transactions` | transactions/ | 4.8, 4.10, 5.11, 5.12, 5.18 |
| `metering` | metering/ | 3.16, 4.7 |
| `authorization` | authorization/ | 3.4, 3.5, 4.1, 5.4, 5.10, 5.15 |
| `smart_charging` | smart_charging/ | 3.13, 5.5, 5.7, 5.16 |
| `remote_trigger` | remote_trigger/ | 5.17 |
| `reservation` | reservation/ | 3.11, 5.1 CancelReservation, 5.13 ReserveNow |
| `configuration` | configuration/ | 5.3, 5.8, 9 |
| `security` | security/ | Security Whitepaper ed. 2: A01-A05, L01, M03-M05, N01 |
| `firmware` | firmware/ | 4.4, 4.5, 5.9, 5.19 |
| `display` | display/ | 2.0.1 only: O01-O06 display messages, I03 running cost (None until used) |
| `monitoring` | monitoring/ | OCPP 2.0.1 only: N02-N08 variable monitors, NotifyEvent |
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from ocppsim.model.authorization.block import Authorization, TagOutcome, TagStep
from ocppsim.model.charger_state import NO_EFFECTS, ChargerParams, ChargerState, Fault, KeyOwner
from ocppsim.model.configuration.block import Configuration
from ocppsim.model.core.availability import Availability
from ocppsim.model.core.ev_inputs import EvInputs, UnplugOutcome
from ocppsim.model.core.registration import Registration
from ocppsim.model.core.status import StatusSettler
from ocppsim.model.device_model.block import DeviceModel
from ocppsim.model.device_model.status import connector_status
from ocppsim.model.display.block import Display, running_transaction_ids
from ocppsim.model.firmware.block import FirmwareManagement
from ocppsim.model.hardware import supports
from ocppsim.model.key_catalogue import default_key_specs
from ocppsim.model.key_registry import ConfigStore
from ocppsim.model.metering.block import Metering
from ocppsim.model.monitoring.block import Monitoring
from ocppsim.model.outgoing import (
    Effect,
    IdTagInfo,
    InterruptedTransaction,
    Reservation,
    StatusNotificationReq,
)
from ocppsim.model.remote_trigger.block import RemoteTrigger
from ocppsim.model.reservation.block import Reservations
from ocppsim.model.schedule import ChargingProfile
from ocppsim.model.security.block import Security
from ocppsim.model.security.certificates import ChargePointCertificate, InstalledCertificate
from ocppsim.model.smart_charging.block import CompositePeriod, SmartCharging
from ocppsim.model.transactions.block import Transactions
from ocppsim.model.types import ChargePointStatus, RegistrationStatus

# The model's public face: the aggregate and the values its callers pass and get back.
__all__ = [
    "Charger",
    "ChargerParams",
    "CompositePeriod",
    "ConnectorView",
    "Fault",
    "TagOutcome",
    "TagStep",
    "UnplugOutcome",
]


@dataclass(frozen=True, slots=True)
class ConnectorView:
    """What `status` / `jsonstatus` show for a connector."""

    status: ChargePointStatus | None  # None before the first accepted BootNotification
    transaction_id: int | None
    offer: float
    usage: float
    max_usage: float | None
    energy: float
    delay: bool
    last_id_tag: str | None
    fullafter: float | None
    soc: float
    plugged: bool
    meter_wh: float
    # Beyond the text contract (REST API, dashboard): what a person debugging a CSMS wants to see.
    power_w: float = 0.0
    phases_in_use: int = 0
    fault: Fault | None = None
    operative: bool = True
    ev_capacity_wh: float = 0.0
    ev_max_current_a: float = 0.0
    ev_phases: int = 3
    reservation_id: int | None = None  # the reservation holding the connector (ReserveNow, section 5.13)


class Charger:
    """One charge point. Not thread-safe; the runtime calls it from one event loop."""

    # A fleet holds 100,000 chargers: slots here and in every block (a dict per object cost ~2 KiB per
    # charger across the blocks), and blocks that keep no state of their own and serve no per-message
    # path (availability, ev_inputs, remote_trigger) are made on access, views over the shared
    # state, so that no charger carries an object for them.
    __slots__ = (
        "_status",
        "authorization",
        "boot",
        "config",
        "configuration",
        "display",
        "firmware",
        "metering",
        "monitoring",
        "params",
        "reservation",
        "security",
        "smart_charging",
        "state",
        "transactions",
    )

    def __init__(
        self,
        params: ChargerParams,
        *,
        now: float,
        config_overrides: dict[str, str] | None = None,
        meter_registers: dict[int, float] | None = None,
        profiles: list[ChargingProfile] | None = None,
        transaction_ids: dict[int, int] | None = None,
        interrupted: list[InterruptedTransaction] | None = None,
        next_tx_ref: int = 1,
        auth_cache: dict[str, IdTagInfo] | None = None,
        local_list: tuple[int, dict[str, IdTagInfo]] | None = None,
        inoperative: tuple[int, ...] = (),
        reservations: list[Reservation] | None = None,
        firmware_version: str | None = None,
        certificates: tuple[InstalledCertificate, ...] = (),
        cp_certificate: ChargePointCertificate | None = None,
    ) -> None:
        """`profiles`: the persisted profiles (None = none ever saved: install the INI defaults);
        `inoperative`: the connectors set Inoperative before the restart (0 = the charge point);
        `reservations`: the persisted reservations (expired ones are dropped);
        `firmware_version`: the version of the last firmware installed (None: the INI's);
        `certificates`, `cp_certificate`: the installed root certificates and the charge point's own
        (Security Whitepaper M05, A02)."""
        self.params = params
        specs = default_key_specs(
            number_of_connectors=params.number_of_connectors,
            meter_values_sample_interval=params.meter_values_sample_interval,
            device_model="2.0.1" in params.ocpp_versions,
        )
        self.config = ConfigStore(specs, config_overrides)
        state = self.state = ChargerState(params, self.config, meter_registers or {}, now)
        self._status = StatusSettler(state)
        self.boot = Registration(state)
        self.transactions = Transactions(state, transaction_ids=transaction_ids, next_tx_ref=next_tx_ref)
        self.metering = Metering(state)
        self.authorization = Authorization(state, cache=auth_cache, local_list=local_list)
        self.smart_charging = SmartCharging(state, profiles)
        self.reservation = Reservations(state, reservations, now)
        self.configuration = Configuration(state, self)
        self.firmware = FirmwareManagement(state)
        self.security = Security(state, installed=certificates, cp_certificate=cp_certificate)
        self.display: Display | None = None  # made by the first display message or cost (2.0.1)
        if firmware_version is not None:
            state.boot_info = replace(params.boot_info, firmware_version=firmware_version)
        # The hooks through which blocks reach each other (charger_state.py).
        state.status = self._status
        state.registration_hooks = self.boot
        state.transactions = self.transactions
        state.metering = self.metering
        state.offers = self.smart_charging
        state.auth_tags = self.authorization
        state.reservations = self.reservation
        state.firmware = self.firmware
        state.security = self.security
        state.ticker = self
        Availability.restore(state, inoperative)  # section 5.2: Unavailable persists a reboot
        self.metering.schedule_aligned(now)
        self.smart_charging.refresh_offers(now)
        self.transactions.end_interrupted(interrupted or [], now)
        # The device model's monitors (2.0.1 only; None keeps a 1.6 charger free of them).
        self.monitoring = Monitoring(state, self.device_model) if "2.0.1" in params.ocpp_versions else None

    # ------------------------------------------------------------------ blocks without state of their own

    @property
    def availability(self) -> Availability:
        return Availability(self.state)

    @property
    def ev_inputs(self) -> EvInputs:
        return EvInputs(self.state)

    @property
    def remote_trigger(self) -> RemoteTrigger:
        return RemoteTrigger(self.state)

    def device_model(self, version: str = "2.0.1") -> DeviceModel:
        """The OCPP 2.0.1 device model over this charger (model/device_model/): a view, made on access."""
        return DeviceModel(self.state, self.configuration.change_configuration, self._device_fact, version)

    def _device_fact(self, name: str, evse: int | None, now: float) -> str:
        """A read-only fact of the device model (model/device_model/variables.py `fact`)."""
        state = self.state
        state.advance(now)
        if name == "availability":
            if evse is not None:
                return connector_status(state.conn(evse).status)
            return "Unavailable" if state.inoperative0 else "Available"
        if name == "power":
            c = state.conn(evse or 1)
            return f"{state.power(c) if c.current_a > 0 else 0.0:g}"
        if name == "problem":
            faulted = state.status0 is ChargePointStatus.FAULTED
            faulted = faulted or any(c.fault is not None for c in state.connectors.values())
            return "true" if faulted else "false"
        if name == "datetime":
            stamp = datetime.fromtimestamp(state.ts(now), UTC)
            return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if name == "local_list_entries":
            return str(len(self.authorization.local_list))
        if name == "profiles":
            return str(len(self.smart_charging.profiles.profiles))
        if name == "certificates":
            return str(len(self.security.installed))
        if name == "identity":
            return self.params.charge_point_id
        if name == "reservation_available":
            return str(supports(self.config, "Reservation")).lower()
        if name == "display_messages":
            running = running_transaction_ids(state)
            return str(self.display.count(state.ts(now), running) if self.display else 0)
        if name == "model":
            return state.boot_info.charge_point_model
        if name == "vendor":
            return state.boot_info.charge_point_vendor
        raise KeyError(name)

    def key_owners(self) -> tuple[KeyOwner, ...]:
        """The blocks whose keys take effect at once on ChangeConfiguration (section 5.3)."""
        return (self.boot, self.metering, self.security)

    # ------------------------------------------------------------------ what every caller reads

    @property
    def registration(self) -> RegistrationStatus | None:
        return self.state.registration

    @property
    def ever_accepted(self) -> bool:
        return self.state.ever_accepted

    @property
    def connected(self) -> bool:
        return self.state.connected

    @property
    def charging_connectors(self) -> int:
        return self.state.charging_connectors

    @property
    def illegal_transitions(self) -> list[tuple[int, ChargePointStatus, ChargePointStatus]]:
        return self.state.illegal_transitions or []

    @property
    def voltage(self) -> float:
        return self.state.voltage

    @property
    def connector_ids(self) -> list[int]:
        return list(self.state.connectors)

    def has_connector(self, connector_id: int) -> bool:
        return connector_id in self.state.connectors

    def connector_status(self, connector_id: int) -> ChargePointStatus:
        """The connector's status as the model knows it, also before the first accepted boot."""
        return self.state.conn(connector_id).status

    def view(self, connector_id: int, now: float) -> ConnectorView:
        state = self.state
        state.advance(now)
        c = state.conn(connector_id)
        return ConnectorView(
            status=c.status if state.ever_accepted else None,
            transaction_id=c.tx.transaction_id if c.tx else None,
            offer=c.offer_a,
            usage=c.current_a,
            max_usage=c.max_cap,
            energy=c.session_energy,
            delay=c.ev.suspended,
            last_id_tag=c.last_id_tag,
            fullafter=c.ev.full_after_wh,
            soc=c.ev.soc,
            plugged=c.plugged,
            meter_wh=c.register.wh,
            power_w=state.power(c) if c.current_a > 0 else 0.0,
            phases_in_use=state.phases_in_use(c) if c.current_a > 0 else 0,
            fault=c.fault,
            operative=c.operative,
            ev_capacity_wh=c.ev.capacity_wh,
            ev_max_current_a=c.ev.max_current,
            ev_phases=c.ev.phases,
            reservation_id=c.reservation_id,
        )

    # ------------------------------------------------------------------ effects and time

    def drain(self) -> list[Effect]:
        state = self.state
        monitoring = self.monitoring
        if monitoring is not None:
            # Every input and tick ends here: the monitors see the values it left (N07, N08). The
            # station's own monitors watch AvailabilityState and Problem, which a registered station
            # changes only with a StatusNotification: without one, only a busy block needs a look.
            look = monitoring.busy or not state.accepted
            if not look:
                for effect in state.effects:
                    if type(effect) is StatusNotificationReq:
                        look = True
                        break
            if look:
                monitoring.evaluate(state.last)
        effects = state.effects
        if effects is NO_EFFECTS:
            return []
        state.effects = NO_EFFECTS
        return effects

    def next_deadline(self) -> float | None:
        """The earliest instant at which `tick` has something to do (runs after every input: kept lean,
        one pass over the connectors for every block's deadlines)."""
        state = self.state
        boot = self.boot
        metering = self.metering
        candidates = [
            t
            for t in (boot.next_boot, boot.next_heartbeat, metering.next_aligned, metering.next_aligned_ended)
            if t is not None
        ]
        last = state.last
        if boot.pending_reset is not None and boot.idle:
            candidates.append(last)  # a Reset OnIdle whose wait is over (2.0.1 B12)
        for c in state.connectors.values():
            if c.held_since is not None:
                candidates.append(self._status.held_deadline(c))
            tx = c.tx
            if tx is not None:
                if tx.next_sample is not None:
                    candidates.append(tx.next_sample)
                if tx.next_ended_sample is not None:
                    candidates.append(tx.next_ended_sample)
                if tx.awaiting_ev:  # 2.0.1 EVConnectionTimeOut of a transaction started unplugged (E03)
                    timeout = self.transactions.deadline(c)
                    if timeout is not None:
                        candidates.append(timeout)
            else:
                timeout = self.transactions.deadline(c)
                if timeout is not None:
                    candidates.append(timeout)
            if c.current_a > 0:
                power = state.power(c)
                if power > 0:
                    ev = c.ev
                    full_in = ev.seconds_until_full(power)
                    if full_in is not None:
                        candidates.append(last + full_in)
                    if tx is not None and tx.energy_cap_wh is not None:
                        candidates.append(last + (tx.energy_cap_wh - c.session_energy) * 3600.0 / power)
                    if ev.full_after_wh is not None and c.session_energy < ev.full_after_wh:
                        candidates.append(last + (ev.full_after_wh - c.session_energy) * 3600.0 / power)
        expiry = self.reservation.next_expiry()
        if expiry is not None:
            candidates.append(expiry)
        firmware = self.firmware.deadline()
        if firmware is not None:
            candidates.append(firmware)
        monitoring = self.monitoring
        if monitoring is not None and monitoring.next_due is not None:
            candidates.append(monitoring.next_due)  # a periodic monitor (N08)
        signed = self.security.deadline()
        if signed is not None:
            candidates.append(signed)
        if self.smart_charging.profiles.profiles:
            change = self.smart_charging.next_profile_change(last)
            if change is not None:
                candidates.append(change)
        return min(candidates) if candidates else None

    def tick(self, now: float) -> None:
        """Everything due at `now`, in the order the blocks depend on: boot and heartbeat, the EV's and
        the session's timers, the status (a schedule period that starts now is in force now), then the
        samples due now."""
        self.state.advance(now)
        self.boot.tick(now)
        EvInputs.full_after_reached(self.state, now)
        self.transactions.tick(now)
        self.reservation.tick(now)
        self._status.settle_all(now)
        self._status.release_held(now)
        self.firmware.tick(now)
        self.security.tick(now)
        self.metering.tick(now)
