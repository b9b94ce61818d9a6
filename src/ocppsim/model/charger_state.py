"""What every functional block shares: the connector table, the effect queue and the charger-wide facts
(registration, clock offset), plus the small typed hooks through which one block asks another for
something. Blocks import this module, never each other (an import-linter contract keeps it so); the
aggregate (`charger.py`) plugs each block into the hooks it implements.

The connector records are mutable and owned jointly: each field is written by the block named in its
comment, read by any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Protocol

from ocppsim.model.charger_params import ChargerParams
from ocppsim.model.errors import UnknownConnectorError
from ocppsim.model.ev import EV
from ocppsim.model.hardware import Hardware, set_fixed_cable, set_profiles
from ocppsim.model.key_registry import ConfigStore
from ocppsim.model.meter import EnergyRegister, KeptMeterValues, MeterSnapshot, MeterValue
from ocppsim.model.outgoing import BootInfo, Effect, IdTagInfo, SecurityHooks, StatusNotificationReq
from ocppsim.model.schedule import ChargingProfile
from ocppsim.model.status_table import WARNING_ONLY_ERRORS
from ocppsim.model.types import (
    ChargePointErrorCode,
    ChargePointStatus,
    ReadingContext,
    Reason,
    RegistrationStatus,
    Timestamp,
)

__all__ = [
    "EPS_S",
    "NO_EFFECTS",
    "ChargerParams",
    "ChargerState",
    "Connector",
    "Fault",
    "FirmwareHooks",
    "KeyOwner",
    "KeyOwners",
    "MeteringHooks",
    "OfferHooks",
    "PointHooks",
    "RegistrationHooks",
    "ReservationHooks",
    "Session",
    "StatusHooks",
    "TagHooks",
    "Ticker",
    "Transaction",
    "TransactionHooks",
]

S = ChargePointStatus
# Epoch seconds near 1.7e9 resolve to ~2.4e-7 s: a crossing closer than this is treated as reached,
# so a deadline always lies measurably after `now` (no busy timer loop).
EPS_S = 1e-3


@dataclass(frozen=True, slots=True)
class Fault:
    error_code: ChargePointErrorCode
    info: str | None = None
    vendor_error_code: str | None = None


@dataclass(slots=True)
class Transaction:
    """Written by the transactions block; `next_sample` and `data` by metering."""

    ref: int
    id_tag: str
    start: float
    meter_start: int
    transaction_id: int | None = None
    next_sample: float | None = None
    # OCPP 2.0.1 SampledDataCtrlr.TxEndedInterval: when the next value for the Ended event is taken.
    next_ended_sample: float | None = None
    data: KeptMeterValues = field(default_factory=KeptMeterValues)
    # StartTransaction.conf not Accepted with StopTransactionOnInvalidId=false: no energy (section 5.11).
    deauthorized: bool = False
    # MaxEnergyOnInvalidId (section 3.5 / 9.1.14): energy may still flow until the transaction has
    # delivered this many Wh, then it stops as for `deauthorized`. None: no such allowance running.
    energy_cap_wh: float | None = None
    # OCPP 2.0.1 TxStartPoint Authorized (E03): started before the cable; ended with EVConnectTimeout
    # unless the EV connects within TxCtrlr.EVConnectionTimeOut. Cleared once the cable is in.
    awaiting_ev: bool = False
    # The idToken type the token was presented with (2.0.1 IdTokenEnumType: ISO14443, eMAID, Central ...;
    # None: the adapter's default). Kept with the transaction so that a reconnect or a restart does not
    # lose it (the 2.0.1 adapter's own memory lives for one connection).
    id_token_type: str | None = None
    # ---- OCPP 2.0.1 TxStartPoint / TxStopPoint (transactions/points.py); untouched on 1.6.
    # False while a transaction started before authorization (ParkingBayOccupancy, EVConnected) waits
    # for a token; `id_tag` is "" until then (E01: idToken joins in an Updated event).
    authorized: bool = True
    # When authorization came (EVConnectionTimeOut counts from it, E03).
    authorized_at: float = 0.0
    # The authorization ended (StopAuthorized, RemoteStop, Deauthorized) but no configured stop point
    # ended the transaction: energy stops, the transaction waits for one, and its Ended event carries
    # this as stoppedReason (errata 2.5.2 figure 56, TransactionType.stoppedReason "the reason/event
    # that initiated the process of stopping").
    stop_reason: Reason | None = None
    # What the CSMS was last told: chargingState and whether the cable was in (an Updated event goes
    # when either changes: ChargingStateChanged, CablePluggedIn, EVCommunicationLost).
    charging_state: str = ""
    reported_plugged: bool = False
    # Energy has flowed in this transaction (TxStopPoint EnergyTransfer ends once it stops, E06).
    energy_flowed: bool = False


@dataclass(slots=True)
class Session:
    """An authorized (or authorizing) use of a connector, before and during its transaction."""

    id_tag: str
    parent_id_tag: str | None
    created: float
    authorized: bool
    remote_profile: ChargingProfile | None = None
    id_token_type: str | None = None  # 2.0.1 IdTokenEnumType as presented (RequestStartTransaction)


@dataclass(slots=True)
class Connector:
    id: int
    ev: EV  # the EV block's inputs (core/ev_inputs.py)
    register: EnergyRegister  # integrated by the aggregate's clock (ChargerState.advance)
    status: ChargePointStatus = S.AVAILABLE  # core/status.py only
    plugged: bool = False
    # UnlockConnectorOnEVSideDisconnect=false (section 9.1): after an EV-side stop the cable stays locked
    # in the socket, the connector occupied (Finishing) until UnlockConnector (5.18). core/ev_inputs.py
    cable_locked: bool = False
    plugged_at: float = 0.0  # ConnectionTimeOut for a cable without a tag counts from here (transactions/)
    # How many times the EV was unplugged: a driver's `tag` whose Authorize.conf arrives after an unplug
    # has been withdrawn and starts nothing (core/ev_inputs.py counts, authorization/ compares).
    unplugs: int = 0
    operative: bool = True  # core/availability.py
    pending_inoperative: bool = False  # core/availability.py; applied when the connector is free
    fault: Fault | None = None
    session: Session | None = None  # authorization / transactions
    tx: Transaction | None = None  # transactions
    finishing: bool = False
    delay_notrans: bool = False
    max_cap: float | None = None
    session_energy: float = 0.0
    last_id_tag: str | None = None
    current_a: float = 0.0  # what the EV draws now, per phase (core/status.py)
    offer_a: float = 0.0  # what the EVSE offers, per phase ... (smart_charging)
    offer_phases: int = 3  # ... on this many phases
    reservation_id: int | None = None  # reservation/: held by this reservation (section 5.13): Reserved
    # MinimumStatusDuration (section 9.1): the status the CSMS was last told, and since when the current
    # one waits to be reported (None: nothing held). core/status.py
    reported_status: ChargePointStatus | None = None
    held_since: float | None = None
    # OCPP 2.0.1 TxStartPoint / TxStopPoint ParkingBayOccupancy: an EV stands in the bay (a bay sensor,
    # core/ev_inputs.py). Plugging in implies it; `bay_explicit` says the arrival was its own input
    # (then only a departure frees the bay; an implied one ends with the unplug).
    bay_occupied: bool = False
    bay_explicit: bool = False
    # The start points that held when the last transaction ended: they start no new one until they
    # have ended and come again (TxStartPoint is an event, "the Started event once for every
    # transaction"). transactions/points.py
    spent_points: frozenset[str] = frozenset()
    # The cable came while a driver's session was there (2.0.1 PowerPathClosed: the Started event's
    # triggerReason is CablePluggedIn, else Authorized). core/ev_inputs.py
    cable_after_token: bool = False

    @property
    def faulted(self) -> bool:
        """A fault that takes the connector out of use (Faulted); warning-only codes do not (section 4.9,
        7.6)."""
        fault = self.fault
        return fault is not None and fault.error_code not in WARNING_ONLY_ERRORS


# ---------------------------------------------------------------- hooks: what one block asks of another


class KeyOwner(Protocol):
    """A block that applies ChangeConfiguration of keys it declared (section 5.3): it may refuse a valid
    value, and applies an accepted one at once. Methods, not per-charger tables: a fleet holds thousands."""

    def key_allowed(self, name: str, value: str) -> bool: ...
    def key_changed(self, name: str, value: str, now: float) -> None: ...


class KeyOwners(Protocol):
    """Where ChangeConfiguration finds the blocks that own keys with effects (the aggregate)."""

    def key_owners(self) -> tuple[KeyOwner, ...]: ...


class StatusHooks(Protocol):
    """core/status.py: status settling (OCPP 1.6 section 4.9)."""

    def settle(
        self, c: Connector, now: float, *, notify: bool = True, force_notify: bool = False
    ) -> None: ...
    def settle_all(self, now: float, *, notify: bool = True) -> None: ...
    def transition(
        self, c: Connector, new: ChargePointStatus, now: float, *, notify: bool = True
    ) -> None: ...
    def status_req(
        self, connector_id: int, status: ChargePointStatus, fault: Fault | None, now: float
    ) -> StatusNotificationReq: ...
    def notify_all(self, now: float) -> None: ...
    def report_now(self, c: Connector, now: float) -> None: ...


class RegistrationHooks(Protocol):
    """core/registration.py: boot and heartbeat (sections 4.2, 4.6)."""

    def restart_heartbeat(self, now: float) -> None: ...
    def boot_now(self) -> None: ...
    def heartbeat_now(self, now: float) -> None: ...


class TransactionHooks(Protocol):
    """transactions/: start and stop (sections 4.8, 4.10)."""

    def start(self, c: Connector, now: float, trigger: str | None = None) -> None: ...
    def stop(
        self,
        c: Connector,
        reason: Reason,
        now: float,
        *,
        id_tag: str | None = None,
        ev_connect_timeout: bool = False,
        trigger: str | None = None,
        stopped: str | None = None,
        force: bool = False,
    ) -> None: ...
    def end_session(self, c: Connector) -> None: ...
    def free_for_start(self, c: Connector) -> bool: ...
    @property
    def points(self) -> PointHooks: ...


class PointHooks(Protocol):
    """transactions/points.py: OCPP 2.0.1 TxStartPoint / TxStopPoint (E01, E06), only while
    `ChargerState.tx_points`."""

    def start_trigger(self, c: Connector) -> str | None: ...
    def follow_points(self, c: Connector, now: float) -> None: ...
    def report_changes(self, c: Connector, now: float) -> None: ...
    def unplugged(self, c: Connector, now: float) -> bool: ...
    def departed(self, c: Connector, now: float, *, explicit: bool) -> None: ...


class MeteringHooks(Protocol):
    """metering/: sampled values (section 3.16)."""

    def sample(
        self,
        c: Connector,
        key: str,
        context: ReadingContext,
        now: float,
        snap: MeterSnapshot | None = None,
    ) -> MeterValue | None: ...
    def schedule_samples(self, tx: Transaction, now: float) -> None: ...
    def begin_transaction(self, c: Connector, tx: Transaction, now: float) -> None: ...
    def begin_values(self, c: Connector, tx: Transaction, now: float) -> None: ...
    def signing(self) -> bool: ...
    def end_transaction(self, c: Connector, tx: Transaction, now: float) -> None: ...
    def trigger(self, connector_id: int | None, now: float) -> None: ...


class OfferHooks(Protocol):
    """smart_charging/: what each connector is offered (section 3.13)."""

    def refresh_offers(self, now: float) -> None: ...
    def install_tx_profile(self, connector_id: int, profile: ChargingProfile) -> None: ...
    def remove_tx_profiles(self, connector_id: int) -> None: ...


class ReservationHooks(Protocol):
    """reservation/: who may use a reserved connector, and the end of reservations (section 5.13)."""

    def may_admit(self, c: Connector, id_tag: str) -> bool: ...
    def admits(self, c: Connector, id_tag: str, parent_id_tag: str | None) -> bool: ...
    def use(self, c: Connector, id_tag: str, parent_id_tag: str | None) -> int | None: ...
    def connector_lost(self, c: Connector) -> None: ...
    def charge_point_lost(self, now: float) -> None: ...
    def holds(self, c: Connector) -> bool: ...


class FirmwareHooks(Protocol):
    """firmware/: TriggerMessage of its notifications (section 5.17) and the boot after an installation
    (section 5.19: Installed follows the BootNotification of the new firmware)."""

    def trigger_firmware_status(self, now: float) -> None: ...
    def trigger_diagnostics_status(self, now: float) -> None: ...
    def on_boot_accepted(self, now: float) -> None: ...


class Ticker(Protocol):
    """The aggregate: everything due at an instant (`fullafter` may make the EV full at once)."""

    def tick(self, now: float) -> None: ...


class TagHooks(Protocol):
    """authorization/: the cache (section 3.5) and LocalPreAuthorize (section 3.4)."""

    def remember(self, id_tag: str, info: IdTagInfo) -> None: ...
    def pre_authorized(self, id_tag: str, now: float) -> IdTagInfo | None: ...


NO_EFFECTS: Final[list[Effect]] = []  # ChargerState.effects with nothing emitted: shared, never changed


class ChargerState:
    """The state all blocks share. Hooks are plugged in by the aggregate before the first input."""

    __slots__ = (
        "auth_tags",
        "boot_info",
        "charging_connectors",
        "clock_offset",
        "config",
        "connected",
        "connectors",
        "effects",
        "ever_accepted",
        "firmware",
        "firmware_hold",
        "hardware",
        "illegal_transitions",
        "inoperative0",
        "last",
        "metering",
        "offers",
        "params",
        "registration",
        "registration_hooks",
        "reservations",
        "security",
        "status",
        "status0",
        "ticker",
        "transactions",
        "tx_points",
    )

    status: StatusHooks
    registration_hooks: RegistrationHooks
    transactions: TransactionHooks
    metering: MeteringHooks
    offers: OfferHooks
    auth_tags: TagHooks
    reservations: ReservationHooks
    firmware: FirmwareHooks
    security: SecurityHooks
    ticker: Ticker

    def __init__(
        self, params: ChargerParams, config: ConfigStore, registers: dict[int, float], now: float
    ) -> None:
        self.params = params
        self.config = config
        self.registration: RegistrationStatus | None = None
        self.ever_accepted = False
        self.connected = False
        self.clock_offset = 0.0
        # What BootNotification reports: the INI's, with the version of an installed firmware (section 5.19).
        self.boot_info: BootInfo = params.boot_info
        # Installing firmware, or waiting for transactions to end to install it: connectors not in use are
        # Unavailable and no transaction starts (section 5.19 recommends it).
        self.firmware_hold = False
        self.hardware = Hardware(lock_fails=params.lock_fails)
        if params.fixed_cable:
            set_fixed_cable(self.hardware, config, True)
        if params.feature_profiles is not None:
            set_profiles(config, params.feature_profiles)
        # Status changes outside the section 4.9 table (made on the first one: fleets have none).
        self.illegal_transitions: list[tuple[int, ChargePointStatus, ChargePointStatus]] | None = None
        # Connectors in Charging now (kept by core/status.py): a fleet counts its charging chargers every
        # second, and reads this rather than every connector's status.
        self.charging_connectors = 0
        # What the blocks emitted since the last drain: the shared empty list until the first (56 B at
        # each of a fleet's chargers between two ticks otherwise); never appended to while shared.
        self.effects: list[Effect] = NO_EFFECTS
        self.last = now
        self.status0: ChargePointStatus = S.AVAILABLE  # connector 0, the charge point as a whole
        # OCPP 2.0.1 TxCtrlr.TxStartPoint / TxStopPoint are followed (transactions/points.py): a charger
        # with the 2.0.1 device model that speaks 2.0.1 first; the runtime sets it per connection for a
        # charger offering both versions. Never on 1.6: its transactions start at PowerPathClosed.
        self.tx_points = config.spec("TxCtrlr.TxStartPoint") is not None and params.ocpp_versions[0] != "1.6"
        # ChangeAvailability Inoperative on connector 0 (section 5.2): connector 0 goes Unavailable once
        # every connector has (core/availability.py, core/status.py).
        self.inoperative0 = False
        self.connectors: dict[int, Connector] = {
            cid: Connector(
                id=cid,
                ev=EV(
                    capacity_wh=params.ev_capacity_wh,
                    soc=params.ev_initial_soc,
                    max_current=params.ev_max_current_a or params.max_offer_a,
                    phases=params.phases,
                ),
                register=EnergyRegister(registers.get(cid, 0.0)),
            )
            for cid in range(1, params.number_of_connectors + 1)
        }

    def conn(self, connector_id: int) -> Connector:
        try:
            return self.connectors[connector_id]
        except KeyError:
            raise UnknownConnectorError(f"connector {connector_id} does not exist") from None

    def emit(self, effect: Effect) -> None:
        effects = self.effects
        if effects is NO_EFFECTS:
            self.effects = [effect]
        else:
            effects.append(effect)

    def ts(self, now: float) -> Timestamp:
        return Timestamp(now + self.clock_offset)

    @property
    def voltage(self) -> float:
        return self.config.get_float("voltage_V")

    @property
    def accepted(self) -> bool:
        return self.registration is RegistrationStatus.ACCEPTED

    def phases_in_use(self, c: Connector) -> int:
        return max(1, min(c.ev.phases, self.params.phases, c.offer_phases))

    def power(self, c: Connector) -> float:
        return c.current_a * self.voltage * self.phases_in_use(c)

    def advance(self, now: float) -> None:
        """Integrate energy up to `now` at the power set by the last settle (piecewise constant)."""
        dt = now - self.last
        if dt <= 0:
            return
        self.last = now
        for c in self.connectors.values():
            if c.current_a <= 0:
                continue
            energy = self.power(c) * dt / 3600.0
            c.register.add(energy)
            c.session_energy += energy
            c.ev.absorb(energy)
            full_in = c.ev.seconds_until_full(self.power(c))
            if full_in is not None and full_in < EPS_S:
                c.ev.soc = 100.0
