"""The charger aggregate: connectors, EVs, meters, configuration, profiles and the OCPP 1.6 behaviour
that ties them together. Pure: every method takes `now`; results and the CP->CS requests it wants sent
(`drain()`) are plain values. `next_deadline()` says when `tick()` must run next, so the runtime keeps one
timer per charger and never polls.

Status is not set by hand: after every input the connector's facts (fault, availability, plug, session,
transaction, offer, EV) are settled into a target status, and each change is checked against the
transition table of OCPP 1.6 section 4.9 (`connector.TRANSITIONS`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from ocppsim.model.authorization import Authorization
from ocppsim.model.config_keys import ConfigStore, KeyValue, default_key_specs
from ocppsim.model.connector import (
    CONNECTOR_ZERO_STATUSES,
    TRANSACTION_STATES,
    WARNING_ONLY_ERRORS,
    IllegalTransitionError,
    is_allowed,
)
from ocppsim.model.errors import UnknownConnectorError
from ocppsim.model.ev import EV
from ocppsim.model.meter import (
    EnergyRegister,
    KeptMeterValues,
    MeterSnapshot,
    MeterValue,
    sample,
    sample_shaped,
)
from ocppsim.model.outgoing import (
    AuthorizeReq,
    BootInfo,
    BootNotificationReq,
    ConfigChanged,
    DataTransferReq,
    Effect,
    HeartbeatReq,
    IdTagInfo,
    InterruptedTransaction,
    MeterValuesReq,
    ProfilesChanged,
    Reboot,
    Reconnect,
    StartTransactionReq,
    StatusNotificationReq,
    StopTransactionReq,
)
from ocppsim.model.smart_charging import (
    ChargingProfile,
    ChargingSchedule,
    Offer,
    ProfileStore,
    SchedulePeriod,
)
from ocppsim.model.types import (
    AuthorizationStatus,
    AvailabilityStatus,
    AvailabilityType,
    ChargePointErrorCode,
    ChargePointStatus,
    ChargingProfileKind,
    ChargingProfilePurpose,
    ChargingProfileStatus,
    ChargingRateUnit,
    ClearCacheStatus,
    ClearChargingProfileStatus,
    ConfigurationStatus,
    Location,
    MessageTrigger,
    ReadingContext,
    Reason,
    RegistrationStatus,
    RemoteStartStopStatus,
    ResetStatus,
    ResetType,
    Timestamp,
    TriggerMessageStatus,
    UnlockStatus,
    UpdateStatus,
    UpdateType,
)

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

S = ChargePointStatus
# Enum members as module constants on the per-message path: Python 3.11 reads a member through the enum
# type's __getattr__ hook, ~3x a plain attribute.
_SAMPLE_PERIODIC = ReadingContext.SAMPLE_PERIODIC
# Epoch seconds near 1.7e9 resolve to ~2.4e-7 s: a crossing closer than this is treated as reached,
# so a deadline always lies measurably after `now` (no busy timer loop).
_EPS_S = 1e-3
# Wait before retrying a BootNotification the CSMS did not answer, or answered with interval 0
# (offline-and-reliability.md section 1: "CP picks its own wait").
BOOT_RETRY_S = 60.0


@dataclass(frozen=True, slots=True)
class ChargerParams:
    charge_point_id: str
    number_of_connectors: int = 1
    max_offer_a: float = 32.0  # hardware limit per connector (INI max_offer)
    min_to_start_a: float = 6.0  # below this offer the EVSE suspends (INI min_to_start)
    phases: int = 3
    boot_info: BootInfo = field(default_factory=BootInfo)
    default_profiles: bool = False
    meter_values_sample_interval: int = 60
    ev_capacity_wh: float = 100_000.0
    ev_initial_soc: float = 20.0
    # None: the EV takes whatever is offered up to max_offer (the original's energy = offer x V x phases).
    ev_max_current_a: float | None = None
    # Tests run strict: a status change outside the OCPP transition table raises.
    strict_transitions: bool = False
    # Installed certificates (Security Whitepaper): a CentralSystemRootCertificate (CA to verify the CSMS,
    # needed for profiles 2 and 3) and a charge point certificate (client certificate, profile 3).
    has_central_system_root_certificate: bool = False
    has_charge_point_certificate: bool = False


@dataclass(frozen=True, slots=True)
class CompositePeriod:
    start_period: int
    limit: float
    number_phases: int


@dataclass(frozen=True, slots=True)
class Fault:
    error_code: ChargePointErrorCode
    info: str | None = None
    vendor_error_code: str | None = None


@dataclass(slots=True)
class _Transaction:
    ref: int
    id_tag: str
    start: float
    meter_start: int
    transaction_id: int | None = None
    next_sample: float | None = None
    data: KeptMeterValues = field(default_factory=KeptMeterValues)
    # StartTransaction.conf not Accepted with StopTransactionOnInvalidId=false: no energy (section 5.11).
    deauthorized: bool = False


@dataclass(slots=True)
class _Session:
    """An authorized (or authorizing) use of a connector, before and during its transaction."""

    id_tag: str
    parent_id_tag: str | None
    created: float
    authorized: bool
    remote_profile: ChargingProfile | None = None


@dataclass(slots=True)
class _Connector:
    id: int
    ev: EV
    register: EnergyRegister
    status: ChargePointStatus = S.AVAILABLE
    plugged: bool = False
    operative: bool = True
    pending_inoperative: bool = False
    fault: Fault | None = None
    session: _Session | None = None
    tx: _Transaction | None = None
    finishing: bool = False
    delay_notrans: bool = False
    max_cap: float | None = None
    session_energy: float = 0.0
    last_id_tag: str | None = None
    current_a: float = 0.0  # what the EV draws now, per phase
    offer_a: float = 0.0  # what the EVSE offers, per phase ...
    offer_phases: int = 3  # ... on this many phases


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


class TagStep(Enum):
    STOPPING = "stopping"
    AUTHORIZING = "authorizing"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class TagOutcome:
    accepted: bool
    auth_status: AuthorizationStatus
    parent_id_tag: str | None
    status: ChargePointStatus | None


class UnplugOutcome(Enum):
    NOTHING = "nothing"
    AVAILABLE = "available"
    STOPPED = "stopped"
    EV_SIDE_SUSPENDED = "ev_side_suspended"


class Charger:
    """One charge point. Not thread-safe; the runtime calls it from one event loop."""

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
    ) -> None:
        """`profiles`: the persisted profiles (None = none ever saved: install the INI defaults)."""
        self.params = params
        specs = default_key_specs(
            number_of_connectors=params.number_of_connectors,
            meter_values_sample_interval=params.meter_values_sample_interval,
        )
        self.config = ConfigStore(specs, config_overrides)
        self.profiles = ProfileStore()
        self.registration: RegistrationStatus | None = None
        self.ever_accepted = False
        self.connected = False
        self.clock_offset = 0.0
        self.auth = Authorization(self.config, cache=auth_cache, local_list=local_list)
        self.illegal_transitions: list[tuple[int, ChargePointStatus, ChargePointStatus]] = []
        # Connectors in Charging now (kept by `_transition`): a fleet counts its charging chargers every
        # second, and reads this rather than every connector's status.
        self.charging_connectors = 0
        self._effects: list[Effect] = []
        self._last = now
        self._next_boot: float | None = None
        self._next_heartbeat: float | None = None
        self._next_aligned: float | None = None
        self._tx_seq = next_tx_ref - 1
        # tx_ref -> transactionId (-1 once StartTransaction could not be delivered, errata 3.18)
        self._tx_ids: dict[int, int] = dict(transaction_ids or {})
        registers = meter_registers or {}
        self._connectors: dict[int, _Connector] = {
            cid: _Connector(
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
        self.status0: ChargePointStatus = S.AVAILABLE
        if profiles is not None:
            for profile in profiles:
                # Transactions do not survive a restart, so neither do their TxProfiles.
                if profile.purpose is not ChargingProfilePurpose.TX_PROFILE:
                    self.profiles.install(profile)
        elif params.default_profiles:
            self._install_default_profiles()
        self._schedule_aligned(now)
        self._refresh_offers(now)
        for tx in interrupted or []:
            # Power loss: end what ran before the restart with the last persisted register (offline doc 4/7).
            # Queued now; like every transaction message it goes out once BootNotification is Accepted.
            register = (
                self._connectors[tx.connector_id].register if tx.connector_id in self._connectors else None
            )
            self._emit(
                StopTransactionReq(
                    tx_ref=tx.tx_ref,
                    meter_stop=register.reading if register else 0,
                    timestamp=self._ts(now),
                    reason=Reason.POWER_LOSS,
                    id_tag=tx.id_tag,
                )
            )

    # ------------------------------------------------------------------ basics

    @property
    def connector_ids(self) -> list[int]:
        return list(self._connectors)

    def has_connector(self, connector_id: int) -> bool:
        return connector_id in self._connectors

    def _conn(self, connector_id: int) -> _Connector:
        try:
            return self._connectors[connector_id]
        except KeyError:
            raise UnknownConnectorError(f"connector {connector_id} does not exist") from None

    def drain(self) -> list[Effect]:
        effects, self._effects = self._effects, []
        return effects

    def _ts(self, now: float) -> Timestamp:
        return Timestamp(now + self.clock_offset)

    def _emit(self, effect: Effect) -> None:
        self._effects.append(effect)

    @property
    def voltage(self) -> float:
        return self.config.get_float("voltage_V")

    def transaction_id_for(self, tx_ref: int) -> int | None:
        return self._tx_ids.get(tx_ref)

    def transaction_ref_for(self, transaction_id: int) -> int | None:
        for c in self._connectors.values():
            if c.tx is not None and c.tx.transaction_id == transaction_id:
                return c.tx.ref
        return None

    def forget_transaction(self, tx_ref: int) -> None:
        """The transaction's StopTransaction was answered: nothing refers to its id any more."""
        self._tx_ids.pop(tx_ref, None)

    def view(self, connector_id: int, now: float) -> ConnectorView:
        self._advance(now)
        c = self._conn(connector_id)
        return ConnectorView(
            status=c.status if self.ever_accepted else None,
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
            power_w=self._power(c) if c.current_a > 0 else 0.0,
            phases_in_use=self._phases_in_use(c) if c.current_a > 0 else 0,
            fault=c.fault,
            operative=c.operative,
            ev_capacity_wh=c.ev.capacity_wh,
            ev_max_current_a=c.ev.max_current,
            ev_phases=c.ev.phases,
        )

    def meter_registers(self) -> dict[int, float]:
        return {cid: c.register.wh for cid, c in self._connectors.items()}

    # ------------------------------------------------------------------ time

    def _advance(self, now: float) -> None:
        """Integrate energy up to `now` at the power set by the last settle (piecewise constant)."""
        dt = now - self._last
        if dt <= 0:
            return
        self._last = now
        for c in self._connectors.values():
            if c.current_a <= 0:
                continue
            energy = self._power(c) * dt / 3600.0
            c.register.add(energy)
            c.session_energy += energy
            c.ev.absorb(energy)
            full_in = c.ev.seconds_until_full(self._power(c))
            if full_in is not None and full_in < _EPS_S:
                c.ev.soc = 100.0

    def _phases_in_use(self, c: _Connector) -> int:
        return max(1, min(c.ev.phases, self.params.phases, c.offer_phases))

    def _power(self, c: _Connector) -> float:
        return c.current_a * self.voltage * self._phases_in_use(c)

    def next_deadline(self) -> float | None:
        """The earliest instant at which `tick` has something to do (runs after every input: kept lean)."""
        candidates = [t for t in (self._next_boot, self._next_heartbeat, self._next_aligned) if t is not None]
        for c in self._connectors.values():
            tx = c.tx
            if tx is not None:
                if tx.next_sample is not None:
                    candidates.append(tx.next_sample)
            elif c.session is not None and not c.plugged:
                timeout = self.config.get_int("ConnectionTimeOut")
                if timeout > 0:
                    candidates.append(c.session.created + timeout)
            if c.current_a > 0:
                power = self._power(c)
                if power > 0:
                    ev = c.ev
                    full_in = ev.seconds_until_full(power)
                    if full_in is not None:
                        candidates.append(self._last + full_in)
                    if ev.full_after_wh is not None and c.session_energy < ev.full_after_wh:
                        candidates.append(self._last + (ev.full_after_wh - c.session_energy) * 3600.0 / power)
        if self.profiles.profiles:
            change = self.next_profile_change(self._last)
            if change is not None:
                candidates.append(change)
        return min(candidates) if candidates else None

    def next_profile_change(self, t: float) -> float | None:
        """The first instant after t at which a charging profile may change a limit."""
        if not self.profiles.profiles:
            return None
        starts = {c.id: c.tx.start for c in self._connectors.values() if c.tx is not None}
        return self.profiles.next_change(t, starts)

    def connector_status(self, connector_id: int) -> ChargePointStatus:
        """The connector's status as the model knows it, also before the first accepted boot."""
        return self._conn(connector_id).status

    def tick(self, now: float) -> None:
        self._advance(now)
        if self._next_boot is not None and now >= self._next_boot:
            self._next_boot = None
            if self.connected:
                self._emit(BootNotificationReq(self.params.boot_info))
        if self._next_heartbeat is not None and now >= self._next_heartbeat:
            self._emit(HeartbeatReq())
            self._restart_heartbeat(now)
        timeout = self.config.get_int("ConnectionTimeOut")
        for c in self._connectors.values():
            if c.ev.full_after_wh is not None and c.status is S.CHARGING:
                power = self._power(c)
                missing = c.ev.full_after_wh - c.session_energy
                if missing <= 0 or (power > 0 and missing * 3600.0 / power < _EPS_S):
                    c.ev.suspended = True
            if (
                c.session is not None
                and c.tx is None
                and not c.plugged
                and timeout > 0
                and now >= c.session.created + timeout
            ):
                # ConnectionTimeOut: the driver never plugged in; abandon the attempt (B1).
                c.session = None
        # State first (a schedule period that starts now is in force now), then the samples due now.
        self._settle_all(now)
        interval = self.config.get_int("MeterValueSampleInterval")
        for c in self._connectors.values():
            tx = c.tx
            if tx is not None and tx.next_sample is not None and now >= tx.next_sample - 1e-9:
                self._periodic_sample(c, now)
                # Counted from transaction start (metering.md section 3); skip missed instants.
                while tx.next_sample is not None and tx.next_sample <= now + 1e-9:
                    tx.next_sample = tx.next_sample + interval if interval > 0 else None
        if self._next_aligned is not None and now >= self._next_aligned:
            self._clock_aligned_sample(now)
            self._schedule_aligned(now)

    # ------------------------------------------------------------------ connection lifecycle

    def on_connected(self, now: float) -> None:
        self._advance(now)
        self.connected = True
        self.registration = None
        self._next_boot = None
        self._emit(BootNotificationReq(self.params.boot_info))

    def on_disconnected(self, now: float) -> None:
        self._advance(now)
        self.connected = False
        self.registration = None
        self._next_boot = None
        self._next_heartbeat = None

    def on_boot_result(self, status: RegistrationStatus, interval: int, now: float) -> None:
        self._advance(now)
        self.registration = status
        if status is RegistrationStatus.ACCEPTED:
            self.ever_accepted = True
            self._next_boot = None
            if interval > 0:
                # BootNotification.conf interval sets the heartbeat interval (section 4.2).
                self.config.store("HeartbeatInterval", str(interval))
            self._restart_heartbeat(now)
            # After Accepted: one StatusNotification for connector 0 and each connector (errata 3.22).
            self._settle_all(now, notify=False)
            self._notify_all(now)
        else:
            # Pending / Rejected: boot again after `interval` (section 4.2.1); 0 = our own wait.
            self._next_boot = now + (interval if interval > 0 else BOOT_RETRY_S)
            self._next_heartbeat = None

    def on_boot_failed(self, now: float) -> None:
        self._advance(now)
        self._next_boot = now + BOOT_RETRY_S

    def on_reboot(self, now: float) -> None:
        """The application restarted (Reset): sessions end, physical state (cable, EV, meter) stays."""
        self._advance(now)
        self.registration = None
        self._next_boot = None
        self._next_heartbeat = None
        for c in self._connectors.values():
            self._end_session(c)
        self._settle_all(now, notify=False)

    def _restart_heartbeat(self, now: float) -> None:
        interval = self.config.get_int("HeartbeatInterval")
        self._next_heartbeat = now + interval if interval > 0 else None

    # ------------------------------------------------------------------ results of our requests

    def on_start_transaction_result(
        self, tx_ref: int, transaction_id: int, info: IdTagInfo, now: float
    ) -> None:
        self._advance(now)
        self._tx_ids[tx_ref] = transaction_id
        for c in self._connectors.values():
            if c.tx is None or c.tx.ref != tx_ref:
                continue
            c.tx.transaction_id = transaction_id
            self._cache(c.tx.id_tag, info)
            if info.status is not AuthorizationStatus.ACCEPTED:
                # Section 5.11: stop (DeAuthorized) or only stop energy, per StopTransactionOnInvalidId.
                if self.config.get_bool("StopTransactionOnInvalidId"):
                    self._stop_transaction(c, Reason.DE_AUTHORIZED, now)
                else:
                    c.tx.deauthorized = True
            self._settle(c, now)

    def on_start_transaction_failed(self, tx_ref: int) -> None:
        """StartTransaction could not be delivered: later messages carry transactionId -1 (errata 3.18)."""
        self._tx_ids.setdefault(tx_ref, -1)

    def on_stop_transaction_result(self, id_tag: str | None, info: IdTagInfo | None) -> None:
        if id_tag is not None and info is not None:
            self._cache(id_tag, info)

    def _cache(self, id_tag: str, info: IdTagInfo) -> None:
        for effect in self.auth.remember(id_tag, info):
            self._emit(effect)

    @property
    def auth_cache(self) -> dict[str, IdTagInfo]:
        return self.auth.cache

    @property
    def local_list(self) -> dict[str, IdTagInfo]:
        return self.auth.local_list

    # ------------------------------------------------------------------ user / EV actions

    def plug_in(self, connector_id: int, now: float) -> bool:
        self._advance(now)
        c = self._conn(connector_id)
        if c.plugged:
            return False
        c.plugged = True
        self._settle(c, now)
        return True

    def unplug(self, connector_id: int, now: float) -> UnplugOutcome:
        self._advance(now)
        c = self._conn(connector_id)
        if c.tx is not None and c.status in TRANSACTION_STATES:
            if not self.config.get_bool("StopTransactionOnEVSideDisconnect"):
                # The transaction goes on; the EV stops drawing (connector-states.md section 3).
                c.plugged = False
                c.session_energy = 0.0
                self._settle(c, now)
                return UnplugOutcome.EV_SIDE_SUSPENDED
            # The EV stops drawing first, then the transaction ends (compatibility contract).
            if c.status is S.CHARGING:
                c.current_a = 0.0
                self._transition(c, S.SUSPENDED_EV, now)
            self._stop_transaction(c, Reason.EV_DISCONNECTED, now)
            self._settle(c, now)
            outcome = UnplugOutcome.STOPPED
        elif not c.plugged and c.status is S.AVAILABLE:
            outcome = UnplugOutcome.NOTHING
        else:
            outcome = UnplugOutcome.AVAILABLE
        c.plugged = False
        c.finishing = False
        c.session = None
        c.session_energy = 0.0
        c.ev.suspended = False
        self._settle(c, now)
        return outcome

    def present_tag(self, connector_id: int, id_tag: str, now: float) -> TagStep | TagOutcome:
        """A driver presents `id_tag`: stop what runs, or authorize and start (contract `tag`)."""
        self._advance(now)
        c = self._conn(connector_id)
        if c.status in TRANSACTION_STATES:
            if c.tx is not None:
                self._stop_transaction(c, Reason.LOCAL, now, id_tag=id_tag)
            else:
                self._end_session(c)
            self._settle(c, now)
            return TagStep.STOPPING
        if not self.config.get_bool("OCPPAuthorizationEnabled"):
            # Free vend: no Authorize before StartTransaction.
            return self._tag_decided(c, id_tag, IdTagInfo(AuthorizationStatus.ACCEPTED), now)
        local = self.auth.known(id_tag)
        if local is not None and self.config.get_bool("LocalPreAuthorize") and self.auth.valid(local, now):
            # LocalPreAuthorize: a tag valid in the Local List or cache starts at once (section 5.2 / 9.1).
            return self._tag_decided(c, id_tag, local, now)
        self._emit(AuthorizeReq(id_tag, c.id))
        return TagStep.AUTHORIZING

    def on_authorize_result(self, request: AuthorizeReq, info: IdTagInfo | None, now: float) -> TagOutcome:
        """Authorize.conf arrived, or (info None) it could not be obtained: decide offline (section 5.2 /
        offline-and-reliability.md section 5)."""
        self._advance(now)
        c = self._conn(request.connector_id)
        if info is None:
            info = self.auth.offline(request.id_tag, now)
        else:
            self._cache(request.id_tag, info)
            if self.auth.conflicts(request.id_tag, info):
                # The CSMS disagrees with the Local List: report it on connector 0 (section 3.5.2).
                self._emit(
                    self._status_req(0, self.status0, Fault(ChargePointErrorCode.LOCAL_LIST_CONFLICT), now)
                )
        if request.remote:
            session = c.session
            if session is None or session.id_tag != request.id_tag or session.authorized:
                return TagOutcome(False, info.status, info.parent_id_tag, c.status)
            if info.status is AuthorizationStatus.ACCEPTED:
                session.authorized = True
                session.parent_id_tag = info.parent_id_tag
                c.last_id_tag = request.id_tag
            else:
                c.session = None
            self._settle(c, now)
            return TagOutcome(
                info.status is AuthorizationStatus.ACCEPTED, info.status, info.parent_id_tag, c.status
            )
        return self._tag_decided(c, request.id_tag, info, now)

    def _tag_decided(self, c: _Connector, id_tag: str, info: IdTagInfo, now: float) -> TagOutcome:
        if info.status is not AuthorizationStatus.ACCEPTED:
            return TagOutcome(False, info.status, info.parent_id_tag, c.status)
        c.last_id_tag = id_tag
        # The original ocppsim treats a tag as "EV here and authorized": a tag without `plugin` charges.
        c.plugged = True
        c.finishing = False
        if c.status in (S.AVAILABLE, S.FINISHING) and c.operative and c.fault is None:
            self._transition(c, S.PREPARING, now)
        c.session = _Session(id_tag, info.parent_id_tag, now, authorized=True)
        self._settle(c, now)
        return TagOutcome(True, info.status, info.parent_id_tag, c.status)

    def suspend_ev(self, connector_id: int, now: float) -> bool:
        """`full` / `suspend`: the EV stops taking energy. Needs a transaction."""
        self._advance(now)
        c = self._conn(connector_id)
        if c.tx is None or c.status not in TRANSACTION_STATES:
            return False
        c.ev.suspended = True
        self._settle(c, now)
        return True

    def resume_ev(self, connector_id: int, now: float) -> ChargePointStatus:
        self._advance(now)
        c = self._conn(connector_id)
        c.ev.suspended = False
        self._settle(c, now)
        return c.status

    def set_delay(self, connector_id: int, delay: bool, now: float) -> ChargePointStatus:
        self._advance(now)
        c = self._conn(connector_id)
        c.ev.suspended = delay
        self._settle(c, now)
        return c.status

    def set_delay_notrans(self, connector_id: int, value: bool, now: float) -> None:
        self._advance(now)
        c = self._conn(connector_id)
        c.delay_notrans = value
        self._settle(c, now)

    def set_full_after(self, connector_id: int, wh: float | None, now: float) -> None:
        self._advance(now)
        c = self._conn(connector_id)
        c.ev.full_after_wh = wh
        self.tick(now)

    def set_max_usage(self, connector_id: int, amps: float | None, now: float) -> None:
        self._advance(now)
        c = self._conn(connector_id)
        c.max_cap = amps
        self._settle(c, now)

    def set_fault(self, connector_id: int, fault: Fault | None, now: float) -> ChargePointStatus:
        """Inject (or clear, with None) an error on a connector; connector 0 for the charge point."""
        self._advance(now)
        if connector_id == 0:
            self.status0 = S.FAULTED if fault and fault.error_code not in WARNING_ONLY_ERRORS else S.AVAILABLE
            if self.registration is RegistrationStatus.ACCEPTED:
                self._emit(self._status_req(0, self.status0, fault, now))
            return self.status0
        c = self._conn(connector_id)
        c.fault = fault
        self._settle(c, now, force_notify=True)
        return c.status

    def data_transfer(self, vendor_id: str, message_id: str | None, data: str | None) -> DataTransferReq:
        """Send a CP->CS DataTransfer (section 4.3); the answer goes back to whoever asked."""
        request = DataTransferReq(vendor_id, message_id, data)
        self._emit(request)
        return request

    def set_clock_offset(self, offset: float) -> None:
        self.clock_offset = offset

    def configure_ev(
        self,
        connector_id: int,
        *,
        capacity_wh: float | None = None,
        soc: float | None = None,
        max_current: float | None = None,
        phases: int | None = None,
        now: float,
    ) -> None:
        self._advance(now)
        ev = self._conn(connector_id).ev
        if capacity_wh is not None:
            ev.capacity_wh = capacity_wh
        if soc is not None:
            ev.soc = min(100.0, max(0.0, soc))
        if max_current is not None:
            ev.max_current = max_current
        if phases is not None:
            ev.phases = phases
        self._settle(self._conn(connector_id), now)

    # ------------------------------------------------------------------ CS -> CP operations

    def change_availability(
        self, connector_id: int, kind: AvailabilityType, now: float
    ) -> AvailabilityStatus:
        """Section 5.2: Scheduled when a transaction runs; the change happens when it ends."""
        self._advance(now)
        if connector_id != 0 and connector_id not in self._connectors:
            return AvailabilityStatus.REJECTED
        targets = list(self._connectors.values()) if connector_id == 0 else [self._connectors[connector_id]]
        operative = kind is AvailabilityType.OPERATIVE
        scheduled = False
        for c in targets:
            if operative:
                c.pending_inoperative = False
                c.operative = True
            elif c.tx is not None or c.status is S.PREPARING:
                # A transaction runs, or a driver is starting one (the table has no Preparing ->
                # Unavailable): Scheduled, applied when the connector is free again.
                c.pending_inoperative = True
                scheduled = True
            else:
                c.operative = False
        if connector_id == 0:
            new0 = S.AVAILABLE if operative else S.UNAVAILABLE
            if not operative and scheduled:
                new0 = self.status0
            if new0 is not self.status0 and self.status0 is not S.FAULTED:
                self.status0 = new0
                if self.registration is RegistrationStatus.ACCEPTED:
                    self._emit(self._status_req(0, new0, None, now))
        self._settle_all(now)
        return AvailabilityStatus.SCHEDULED if scheduled else AvailabilityStatus.ACCEPTED

    def get_configuration(self, keys: Iterable[str] | None) -> tuple[list[KeyValue], list[str]]:
        return self.config.report(keys)

    def change_configuration(self, key: str, value: str, now: float) -> ConfigurationStatus:
        self._advance(now)
        status, canonical = self.config.validate(key, value)
        spec = self.config.spec(key)
        if canonical is None or spec is None:
            return status
        name = spec.name
        if name == "SecurityProfile" and not self._security_profile_allowed(int(canonical)):
            return ConfigurationStatus.REJECTED
        self.config.store(name, canonical)
        self._emit(ConfigChanged(name, canonical))
        if name == "HeartbeatInterval" and self.registration is RegistrationStatus.ACCEPTED:
            self._restart_heartbeat(now)
        elif name == "MeterValueSampleInterval":
            interval = int(canonical)
            for c in self._connectors.values():
                if c.tx is not None:
                    c.tx.next_sample = now + interval if interval > 0 else None
        elif name == "ClockAlignedDataInterval":
            self._schedule_aligned(now)
        elif name in ("AuthorizationKey", "SecurityProfile"):
            # Whitepaper section 2: respond first, then reconnect with the new credentials / profile
            # (a SecurityProfile change is only ever Accepted when it raises the profile).
            self._emit(Reconnect())
        self._settle_all(now)
        return status

    def _security_profile_allowed(self, level: int) -> bool:
        """Security Whitepaper section 2: never lowered; 1 and 2 need an AuthorizationKey; 2 and 3 need a
        CentralSystemRootCertificate; 3 needs the charge point's own certificate."""
        if level < self.config.get_int("SecurityProfile"):
            return False
        if level in (1, 2) and not self.config.raw("AuthorizationKey"):
            return False
        if level >= 2 and not self.params.has_central_system_root_certificate:
            return False
        return not (level == 3 and not self.params.has_charge_point_certificate)

    def send_local_list(
        self, version: int, update_type: UpdateType, entries: list[tuple[str, IdTagInfo | None]]
    ) -> UpdateStatus:
        status, effects = self.auth.send_local_list(version, update_type, entries)
        for effect in effects:
            self._emit(effect)
        return status

    def get_local_list_version(self) -> int:
        return self.auth.local_list_version

    def clear_cache(self) -> ClearCacheStatus:
        for effect in self.auth.clear_cache():
            self._emit(effect)
        return ClearCacheStatus.ACCEPTED

    def remote_start(
        self, id_tag: str, connector_id: int | None, profile: ChargingProfile | None, now: float
    ) -> RemoteStartStopStatus:
        """Section 5.11: Accepted = "will try"; authorization and plug-in follow."""
        self._advance(now)
        rejected = RemoteStartStopStatus.REJECTED
        if self.registration is not RegistrationStatus.ACCEPTED:
            return rejected
        if profile is not None and profile.purpose is not ChargingProfilePurpose.TX_PROFILE:
            return rejected
        if connector_id is None:
            free = [c for c in self._connectors.values() if self._free_for_start(c)]
            if not free:
                return rejected
            c = next((x for x in free if x.plugged), free[0])
        else:
            c2 = self._connectors.get(connector_id)
            if c2 is None or not self._free_for_start(c2):
                return rejected
            c = c2
        authorize = self.config.get_bool("AuthorizeRemoteTxRequests") and self.config.get_bool(
            "OCPPAuthorizationEnabled"
        )
        if c.status in (S.AVAILABLE, S.FINISHING):
            self._transition(c, S.PREPARING, now)
        c.finishing = False
        c.session = _Session(id_tag, None, now, authorized=not authorize, remote_profile=profile)
        if authorize:
            self._emit(AuthorizeReq(id_tag, c.id, remote=True))
        else:
            c.last_id_tag = id_tag
        self._settle(c, now)
        return RemoteStartStopStatus.ACCEPTED

    def _free_for_start(self, c: _Connector) -> bool:
        return (
            c.session is None
            and c.tx is None
            and c.operative
            and not c.pending_inoperative
            and (c.fault is None or c.fault.error_code in WARNING_ONLY_ERRORS)
            and c.status not in (S.UNAVAILABLE, S.FAULTED, S.RESERVED)
        )

    def remote_stop(self, transaction_id: int, now: float) -> RemoteStartStopStatus:
        self._advance(now)
        for c in self._connectors.values():
            if c.tx is not None and c.tx.transaction_id == transaction_id:
                self._stop_transaction(c, Reason.REMOTE, now)
                self._settle(c, now)
                return RemoteStartStopStatus.ACCEPTED
        return RemoteStartStopStatus.REJECTED

    def reset(self, reset_type: ResetType, now: float) -> ResetStatus:
        """Section 5.14: stop every transaction (reason SoftReset / HardReset), then restart."""
        self._advance(now)
        reason = Reason.SOFT_RESET if reset_type is ResetType.SOFT else Reason.HARD_RESET
        for c in self._connectors.values():
            if c.tx is not None:
                self._stop_transaction(c, reason, now)
            self._end_session(c)
            self._settle(c, now)
        self._emit(Reboot(reset_type))
        return ResetStatus.ACCEPTED

    def unlock_connector(self, connector_id: int, now: float) -> UnlockStatus:
        """Section 5.18 / errata 3.85: unknown connector -> NotSupported; stop a running transaction first."""
        self._advance(now)
        c = self._connectors.get(connector_id)
        if c is None:
            return UnlockStatus.NOT_SUPPORTED
        if c.tx is not None:
            self._stop_transaction(c, Reason.UNLOCK_COMMAND, now)
            self._settle(c, now)
        return UnlockStatus.UNLOCKED

    def trigger_message(
        self, requested: MessageTrigger, connector_id: int | None, now: float
    ) -> TriggerMessageStatus:
        """Section 5.17. The reply goes out first; the triggered message is a drained effect."""
        self._advance(now)
        if requested in (
            MessageTrigger.DIAGNOSTICS_STATUS_NOTIFICATION,
            MessageTrigger.FIRMWARE_STATUS_NOTIFICATION,
        ):
            return TriggerMessageStatus.NOT_IMPLEMENTED  # FirmwareManagement is not offered
        if requested is MessageTrigger.BOOT_NOTIFICATION:
            # Errata 3.28 recommends rejecting a Boot trigger once Accepted.
            if self.registration is RegistrationStatus.ACCEPTED:
                return TriggerMessageStatus.REJECTED
            self._emit(BootNotificationReq(self.params.boot_info))
            return TriggerMessageStatus.ACCEPTED
        if requested is MessageTrigger.HEARTBEAT:
            self._emit(HeartbeatReq())
            self._restart_heartbeat(now)
            return TriggerMessageStatus.ACCEPTED
        if connector_id is not None and connector_id != 0 and connector_id not in self._connectors:
            return TriggerMessageStatus.REJECTED
        if requested is MessageTrigger.STATUS_NOTIFICATION:
            if connector_id is None:
                self._notify_all(now)
            elif connector_id == 0:
                self._emit(self._status_req(0, self.status0, None, now))
            else:
                c = self._connectors[connector_id]
                self._emit(self._status_req(c.id, c.status, c.fault, now))
            return TriggerMessageStatus.ACCEPTED
        # MeterValues: latest values of MeterValuesSampledData, context Trigger.
        if connector_id == 0:
            self._emit(self._main_meter_values(now))
        else:
            ids = list(self._connectors) if connector_id is None else [connector_id]
            for cid in ids:
                c = self._connectors[cid]
                values = self._sample(c, "MeterValuesSampledData", ReadingContext.TRIGGER, now)
                if values:
                    ref = c.tx.ref if c.tx else None
                    self._emit(MeterValuesReq(c.id, (values,), ref, ReadingContext.TRIGGER))
        return TriggerMessageStatus.ACCEPTED

    def _main_meter_values(self, now: float) -> MeterValuesReq:
        total = sum(c.register.wh for c in self._connectors.values())
        current = sum(c.current_a for c in self._connectors.values())
        snap = MeterSnapshot(
            total,
            current,
            self.params.phases,
            self.params.phases,
            self.voltage,
            0.0,
            self.params.phases,
            None,
        )
        values = sample(
            self.config.get_measurands("MeterValuesSampledData"),
            ReadingContext.TRIGGER,
            snap,
            location=Location.INLET,
        )
        values = tuple(
            v for v in values if v.measurand.value not in ("SoC", "Current.Offered", "Power.Offered")
        )
        return MeterValuesReq(0, (MeterValue(self._ts(now), values),), None, ReadingContext.TRIGGER)

    def set_charging_profile(
        self, connector_id: int, profile: ChargingProfile, now: float
    ) -> ChargingProfileStatus:
        """Section 5.16 and smart-charging.md section 3."""
        self._advance(now)
        rejected = ChargingProfileStatus.REJECTED
        if connector_id != 0 and connector_id not in self._connectors:
            raise UnknownConnectorError(f"connector {connector_id} does not exist")
        purpose = profile.purpose
        if purpose is ChargingProfilePurpose.CHARGE_POINT_MAX_PROFILE and connector_id != 0:
            return rejected
        if purpose is ChargingProfilePurpose.TX_PROFILE:
            if connector_id == 0:
                return rejected
            tx = self._connectors[connector_id].tx
            if tx is None:
                return rejected
            if (
                profile.transaction_id is not None
                and tx.transaction_id is not None
                and profile.transaction_id != tx.transaction_id
            ):
                return rejected
        if not self._profile_acceptable(profile):
            return rejected
        sched = profile.schedule
        if profile.kind is ChargingProfileKind.ABSOLUTE and sched.start_schedule is None:
            # No startSchedule on an Absolute profile: start at receipt (smart-charging.md section 3).
            sched = ChargingSchedule(
                sched.unit, sched.periods, sched.duration, self._ts(now), sched.min_charging_rate
            )
        stored = ChargingProfile(
            id=profile.id,
            connector_id=connector_id,
            stack_level=profile.stack_level,
            purpose=purpose,
            kind=profile.kind,
            schedule=sched,
            recurrency=profile.recurrency,
            valid_from=profile.valid_from,
            valid_to=profile.valid_to,
            transaction_id=profile.transaction_id,
        )
        if self.profiles.count_after_install(stored) > self.config.get_int("MaxChargingProfilesInstalled"):
            return rejected
        self.profiles.install(stored)
        self._profiles_changed()
        self._settle_all(now)
        return ChargingProfileStatus.ACCEPTED

    def _profile_acceptable(self, profile: ChargingProfile) -> bool:
        sched = profile.schedule
        periods = sched.periods
        allowed_units = {"Current": ChargingRateUnit.AMPS, "Power": ChargingRateUnit.WATTS}
        allowed = {
            allowed_units[item]
            for item in self.config.raw("ChargingScheduleAllowedChargingRateUnit").split(",")
            if item in allowed_units
        }
        return (
            0 <= profile.stack_level <= self.config.get_int("ChargeProfileMaxStackLevel")
            and 0 < len(periods) <= self.config.get_int("ChargingScheduleMaxPeriods")
            and sched.unit in allowed
            and periods[0].start_period == 0
            and all(a.start_period < b.start_period for a, b in itertools.pairwise(periods))
            and all(p.limit >= 0 and (p.number_phases is None or 1 <= p.number_phases <= 3) for p in periods)
            and (profile.kind is not ChargingProfileKind.RECURRING or profile.recurrency is not None)
            and (profile.kind is not ChargingProfileKind.RECURRING or sched.start_schedule is not None)
            and (sched.duration is None or sched.duration >= 0)
        )

    def clear_charging_profile(
        self,
        *,
        profile_id: int | None,
        connector_id: int | None,
        purpose: ChargingProfilePurpose | None,
        stack_level: int | None,
        now: float,
    ) -> ClearChargingProfileStatus:
        self._advance(now)
        status = self.profiles.clear(
            profile_id=profile_id, connector_id=connector_id, purpose=purpose, stack_level=stack_level
        )
        if status is ClearChargingProfileStatus.ACCEPTED:
            self._profiles_changed()
        self._settle_all(now)
        return status

    def own_limit(self, connector_id: int, t: float, *, preview_start: float | None = None) -> Offer:
        """The connector's own limit at t: its Tx(Default)Profile capped by the hardware (max_offer)."""
        c = self._conn(connector_id)
        in_tx = c.tx is not None
        limit = self.profiles.tx_limit(
            c.id,
            t,
            tx_start=c.tx.start if c.tx is not None else preview_start,
            tx_id=c.tx.transaction_id if c.tx is not None else None,
            in_transaction=in_tx,
        )
        hardware = Offer(self.params.max_offer_a, self.params.phases)
        if limit is None:
            return hardware
        return Offer.lower(limit.on(self.voltage, self.params.phases), hardware, self.voltage)

    def limit_at(self, connector_id: int, t: float, *, preview_start: float | None = None) -> Offer:
        """The connector's limit at t incl. ChargePointMaxProfile, not shared with other connectors (what
        its composite schedule shows)."""
        own = self.own_limit(connector_id, t, preview_start=preview_start)
        cp = self.profiles.cp_limit(t)
        if cp is None:
            return own
        return Offer.lower(own, cp.on(self.voltage, self.params.phases), self.voltage)

    def limit_amps_at(self, connector_id: int, t: float) -> float:
        return self.limit_at(connector_id, t).amps

    def composite_schedule(
        self, connector_id: int, start: float, duration: int, unit: ChargingRateUnit
    ) -> list[CompositePeriod]:
        """GetCompositeSchedule (section 5.7, smart-charging.md section 6): the limit over
        [start, start + duration) from every profile, evaluated at each boundary, equal neighbours merged,
        values rounded down to 0.1 in `unit`. Connector 0: min(ChargePointMax, sum of the connectors).
        Without any profile the hardware limit is reported. Raises UnknownConnectorError."""
        if connector_id != 0:
            self._conn(connector_id)
        voltage = self.voltage
        ids = self.connector_ids if connector_id == 0 else [connector_id]
        # Relative profiles of connectors without a transaction are previewed from `start`.
        starts = {cid: (c.tx.start if c.tx is not None else start) for cid, c in self._connectors.items()}

        def value(t: float) -> tuple[float, int]:
            if connector_id == 0:
                offers = [self.own_limit(cid, t, preview_start=starts[cid]) for cid in ids]
                watts = sum(o.watts(voltage) for o in offers)
                phases = max(o.phases for o in offers)
                cp = self.profiles.cp_limit(t)
                if cp is not None:
                    cp_offer = cp.on(voltage, self.params.phases)
                    if cp_offer.watts(voltage) < watts:
                        watts, phases = cp_offer.watts(voltage), cp_offer.phases
                total = Offer(watts / (voltage * phases), phases)
            else:
                total = self.limit_at(connector_id, t, preview_start=starts[connector_id])
            raw = total.watts(voltage) if unit is ChargingRateUnit.WATTS else total.amps
            return math.floor(raw * 10 + 1e-6) / 10, total.phases

        periods: list[CompositePeriod] = []
        t = start
        end = start + duration
        while t < end:
            limit, phases = value(t)
            if not periods or (periods[-1].limit, periods[-1].number_phases) != (limit, phases):
                periods.append(CompositePeriod(round(t - start), limit, phases))
            nxt = self.profiles.next_change(t, starts)
            if nxt is None:
                break
            t = nxt
        return periods

    def _refresh_offers(self, now: float) -> None:
        """Every connector's offer; a ChargePointMaxProfile is shared among the EVs that draw: equal
        shares, each capped by what it can take, leftovers redistributed (smart-charging.md section 4)."""
        if not self.profiles.profiles:
            # No charging profile: every connector is offered the hardware limit (what own_limit gives
            # without one). The common case, and this runs at every tick.
            for c in self._connectors.values():
                c.offer_a = self.params.max_offer_a
                c.offer_phases = self.params.phases
            return
        voltage = self.voltage
        limits = {cid: self.limit_at(cid, now) for cid in self._connectors}
        offers = dict(limits)
        cp = self.profiles.cp_limit(now)
        drawing = [c for c in self._connectors.values() if c.tx is not None and c.plugged and c.ev.draws]
        if cp is not None and len(drawing) > 1:
            remaining = cp.on(voltage, self.params.phases).watts(voltage)
            wants: list[tuple[float, _Connector]] = []
            for c in drawing:
                limit = limits[c.id]
                phases = max(1, min(c.ev.phases, limit.phases))
                wants.append((c.ev.current(limit.amps, c.max_cap) * voltage * phases, c))
            wants.sort(key=lambda item: item[0])
            for index, (want, c) in enumerate(wants):
                share = min(want, remaining / (len(wants) - index))
                remaining -= share
                if share < want - 1e-9:
                    phases = max(1, min(c.ev.phases, limits[c.id].phases))
                    offers[c.id] = Offer(share / (voltage * phases), phases)
        for cid, offer in offers.items():
            c = self._connectors[cid]
            c.offer_a = offer.amps
            c.offer_phases = offer.phases

    # ------------------------------------------------------------------ transactions

    def _profiles_changed(self) -> None:
        self._emit(ProfilesChanged(tuple(self.profiles.profiles.values())))

    def _end_session(self, c: _Connector) -> None:
        """The authorized use ends without a transaction to stop (reset, second tag in delay_notrans):
        with the cable still in, the user must unplug first (Finishing, as after a transaction)."""
        if c.session is not None and c.plugged and c.status in TRANSACTION_STATES:
            c.finishing = True
        c.session = None

    def _start_transaction(self, c: _Connector, now: float) -> None:
        session = c.session
        assert session is not None
        self._tx_seq += 1
        tx = _Transaction(
            ref=self._tx_seq,
            id_tag=session.id_tag,
            start=now,
            meter_start=c.register.reading,
        )
        c.tx = tx
        c.session_energy = 0.0
        interval = self.config.get_int("MeterValueSampleInterval")
        tx.next_sample = now + interval if interval > 0 else None
        self._emit(StartTransactionReq(tx.ref, c.id, session.id_tag, tx.meter_start, self._ts(now)))
        if session.remote_profile is not None:
            p = session.remote_profile
            session.remote_profile = None
            self.profiles.install(
                ChargingProfile(
                    id=p.id,
                    connector_id=c.id,
                    stack_level=p.stack_level,
                    purpose=ChargingProfilePurpose.TX_PROFILE,
                    kind=p.kind,
                    schedule=p.schedule,
                    recurrency=p.recurrency,
                    valid_from=p.valid_from,
                    valid_to=p.valid_to,
                )
            )
            self._profiles_changed()
        self._refresh_offers(now)
        begin = self._sample(c, "StopTxnSampledData", ReadingContext.TRANSACTION_BEGIN, now)
        if begin is not None:
            tx.data.append(begin)

    def _stop_transaction(
        self, c: _Connector, reason: Reason, now: float, *, id_tag: str | None = None
    ) -> None:
        tx = c.tx
        assert tx is not None
        end = self._sample(c, "MeterValuesSampledData", ReadingContext.TRANSACTION_END, now)
        if end is not None:
            self._emit(MeterValuesReq(c.id, (end,), tx.ref, ReadingContext.TRANSACTION_END))
        end_data = self._sample(c, "StopTxnSampledData", ReadingContext.TRANSACTION_END, now)
        if end_data is not None:
            tx.data.append(end_data)
        self._emit(
            StopTransactionReq(
                tx_ref=tx.ref,
                meter_stop=c.register.reading,
                timestamp=self._ts(now),
                reason=reason,
                id_tag=id_tag or tx.id_tag,
                transaction_data=tx.data.values(),
            )
        )
        if self.profiles.remove_tx_profiles(c.id):
            self._profiles_changed()
        c.tx = None
        c.session = None
        c.finishing = c.plugged
        c.current_a = 0.0
        if c.pending_inoperative:
            c.pending_inoperative = False
            c.operative = False

    def _snapshot(self, c: _Connector) -> MeterSnapshot:
        phases = self.params.phases
        ev = c.ev
        in_use = min(ev.phases, phases, c.offer_phases)  # _phases_in_use, inline: every sample reads it
        return MeterSnapshot(
            c.register.wh,
            c.current_a,
            in_use if in_use > 1 else 1,
            phases,
            self.config.get_float("voltage_V"),
            c.offer_a,
            c.offer_phases,
            ev.soc if c.plugged else None,
        )

    def _sample(
        self,
        c: _Connector,
        key: str,
        context: ReadingContext,
        now: float,
        snap: MeterSnapshot | None = None,
    ) -> MeterValue | None:
        """The measurands of configuration `key` now (`snap`: the connector's snapshot of this instant,
        when the caller samples more than one list)."""
        measurands = self.config.get_measurands(key)
        if not measurands:
            return None
        values, shape = sample_shaped(measurands, context, snap or self._snapshot(c))
        return MeterValue(self._ts(now), values, shape) if values else None

    def _keep_transaction_data(self, tx: _Transaction, value: MeterValue) -> None:
        tx.data.append(value)
        limit = self.config.get_int("StopTransactionMaxMeterValues")
        # Errata 3.89: beyond the limit drop intermediate values, never Transaction.Begin / End.
        while len(tx.data) > max(limit, 2):
            tx.data.drop(1)

    def _periodic_sample(self, c: _Connector, now: float) -> None:
        tx = c.tx
        assert tx is not None
        snap = self._snapshot(c)  # one instant for both lists
        values = self._sample(c, "MeterValuesSampledData", _SAMPLE_PERIODIC, now, snap)
        if values is not None:
            self._emit(MeterValuesReq(c.id, (values,), tx.ref, _SAMPLE_PERIODIC))
        data = self._sample(c, "StopTxnSampledData", _SAMPLE_PERIODIC, now, snap)
        if data is not None:
            self._keep_transaction_data(tx, data)

    def _schedule_aligned(self, now: float) -> None:
        interval = self.config.get_int("ClockAlignedDataInterval")
        if interval <= 0:
            self._next_aligned = None
            return
        # Aligned to UTC midnight (our documented choice, configuration-keys.md ClockAlignedDataInterval).
        t = now + self.clock_offset
        midnight = math.floor(t / 86400.0) * 86400.0
        # The next boundary strictly after now (a boundary just sampled is not due again).
        nxt = midnight + (math.floor((t - midnight) / interval) + 1) * interval
        nxt = min(nxt, midnight + 86400.0)
        self._next_aligned = nxt - self.clock_offset

    def _clock_aligned_sample(self, now: float) -> None:
        for c in self._connectors.values():
            values = self._sample(c, "MeterValuesAlignedData", ReadingContext.SAMPLE_CLOCK, now)
            ref = c.tx.ref if c.tx else None
            if values is not None:
                self._emit(MeterValuesReq(c.id, (values,), ref, ReadingContext.SAMPLE_CLOCK))
            if c.tx is not None:
                data = self._sample(c, "StopTxnAlignedData", ReadingContext.SAMPLE_CLOCK, now)
                if data is not None:
                    self._keep_transaction_data(c.tx, data)

    # ------------------------------------------------------------------ status settling

    def _may_start(self, c: _Connector) -> bool:
        s = c.session
        if s is None or not s.authorized or not c.plugged or c.tx is not None or c.finishing:
            return False
        if not c.operative or (c.fault is not None and c.fault.error_code not in WARNING_ONLY_ERRORS):
            return False
        if self.registration is None and not self.ever_accepted:
            return False
        # delay_notrans: no transaction while the EV would not draw (or could not be offered enough).
        return not (c.delay_notrans and (not c.ev.draws or c.offer_a < self.params.min_to_start_a))

    def _target(self, c: _Connector) -> ChargePointStatus:
        if c.fault is not None and c.fault.error_code not in WARNING_ONLY_ERRORS:
            return S.FAULTED
        if c.finishing and c.plugged:
            return S.FINISHING
        if c.tx is None and not c.operative:
            return S.UNAVAILABLE
        s = c.session
        if c.tx is not None or (s is not None and s.authorized and c.plugged):
            if c.offer_a < self.params.min_to_start_a or (c.tx is not None and c.tx.deauthorized):
                return S.SUSPENDED_EVSE
            if not c.ev.draws or not c.plugged:
                return S.SUSPENDED_EV
            return S.CHARGING
        if s is not None or c.plugged:
            return S.PREPARING
        return S.AVAILABLE

    def _settle_all(self, now: float, *, notify: bool = True) -> None:
        self._refresh_offers(now)
        for c in self._connectors.values():
            self._settle_one(c, now, notify=notify)

    def _settle(self, c: _Connector, now: float, *, notify: bool = True, force_notify: bool = False) -> None:
        """Settle `c`, then the other connectors: sharing a ChargePointMaxProfile couples their offers."""
        self._refresh_offers(now)
        self._settle_one(c, now, notify=notify, force_notify=force_notify)
        for other in self._connectors.values():
            if other is not c:
                self._settle_one(other, now, notify=notify)

    def _settle_one(
        self, c: _Connector, now: float, *, notify: bool = True, force_notify: bool = False
    ) -> None:
        if c.pending_inoperative and c.tx is None and c.session is None and not c.plugged:
            c.pending_inoperative = False
            c.operative = False
        started = self._may_start(c)
        if started:
            self._start_transaction(c, now)  # refreshes the offers: a TxProfile may come with it
        target = self._target(c)
        if target is not c.status:
            # The EV stops drawing before the EVSE reports it offers too little (compatibility contract:
            # "SuspendedEV then SuspendedEVSE").
            if target is S.UNAVAILABLE and c.status is S.PREPARING:
                # B1 (intended use ended) then A8: Preparing -> Unavailable is not in the table.
                self._transition(c, S.AVAILABLE, now, notify=notify)
            if (
                target is S.SUSPENDED_EVSE
                and c.status in (S.CHARGING, S.PREPARING)
                and c.offer_a < self.params.min_to_start_a
            ):
                self._transition(c, S.SUSPENDED_EV, now, notify=notify)
            self._transition(c, target, now, notify=notify)
        elif force_notify and notify and self.registration is RegistrationStatus.ACCEPTED:
            self._emit(self._status_req(c.id, c.status, c.fault, now))
        c.current_a = (
            c.ev.current(c.offer_a, c.max_cap) if c.status is S.CHARGING and c.tx is not None else 0.0
        )
        if started and c.tx is not None:
            # MeterValues Transaction.Begin right after StartTransaction (compatibility contract `tag`).
            values = self._sample(c, "MeterValuesSampledData", ReadingContext.TRANSACTION_BEGIN, now)
            if values is not None:
                self._emit(MeterValuesReq(c.id, (values,), c.tx.ref, ReadingContext.TRANSACTION_BEGIN))

    def _transition(self, c: _Connector, new: ChargePointStatus, now: float, *, notify: bool = True) -> None:
        old = c.status
        if old is new:
            return
        if not is_allowed(old, new):
            self.illegal_transitions.append((c.id, old, new))
            if self.params.strict_transitions:
                raise IllegalTransitionError(f"connector {c.id}: {old} -> {new}")
        c.status = new
        if new is S.CHARGING:
            self.charging_connectors += 1
        elif old is S.CHARGING:
            self.charging_connectors -= 1
        if notify and self.registration is RegistrationStatus.ACCEPTED:
            self._emit(self._status_req(c.id, new, c.fault, now))

    def _status_req(
        self, connector_id: int, status: ChargePointStatus, fault: Fault | None, now: float
    ) -> StatusNotificationReq:
        return StatusNotificationReq(
            connector_id=connector_id,
            status=status,
            error_code=fault.error_code if fault else ChargePointErrorCode.NO_ERROR,
            timestamp=self._ts(now),
            info=fault.info if fault else None,
            vendor_error_code=fault.vendor_error_code if fault else None,
        )

    def _notify_all(self, now: float) -> None:
        assert self.status0 in CONNECTOR_ZERO_STATUSES
        self._emit(self._status_req(0, self.status0, None, now))
        for c in self._connectors.values():
            self._emit(self._status_req(c.id, c.status, c.fault, now))

    def _install_default_profiles(self) -> None:
        """INI `default_profiles`: TxDefault stack 0 = 6 A, stack 1 = 0 A, so the offer is 0 A until the
        CSMS sends a higher limit (compatibility contract)."""
        for pid, stack, limit in ((1, 0, 6.0), (2, 1, 0.0)):
            self.profiles.install(
                ChargingProfile(
                    id=pid,
                    connector_id=0,
                    stack_level=stack,
                    purpose=ChargingProfilePurpose.TX_DEFAULT_PROFILE,
                    kind=ChargingProfileKind.ABSOLUTE,
                    schedule=ChargingSchedule(
                        ChargingRateUnit.AMPS, (SchedulePeriod(0, limit),), start_schedule=Timestamp(0.0)
                    ),
                )
            )
