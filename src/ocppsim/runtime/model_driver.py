"""The model plumbing of one station: runs the pure model's inputs at the clock's time, carries out the
effects it queues, and keeps the one deadline timer that feeds it time.

Effects go where they belong: requests to the outbox (and the journal a restart after a crash needs:
open transactions and the meter registers, offline doc 6), changed configuration keys, authorization
cache, local list (section 5.15), charging profiles, reservations (section 5.13) and an installed
firmware version to the store, firmware downloads and diagnostics uploads to the station's file transfers
(runtime/file_transfer.py), status and meter values to the event bus of the control surfaces; a Reset
(section 5.14) or a changed
connection setting to the station's connection lifecycle. A changed WebSocketPingInterval applies at
once (OCPP-J 1.6 section 7). Secrets never reach the log (Security Whitepaper: AuthorizationKey changes
are logged without their value).

Time: one timer per charger, at `charger.next_deadline()`, re-armed after each input only when that
deadline moved; no polling loop (ARCHITECTURE "scale is a design input")."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ocppsim.model.outgoing import (
    AuthCacheChanged,
    AvailabilityChanged,
    ConfigChanged,
    DownloadFirmware,
    Effect,
    FirmwareVersionChanged,
    LocalListChanged,
    MeterValuesReq,
    ProfilesChanged,
    Reboot,
    Reconnect,
    Request,
    ReservationsChanged,
    StartTransactionReq,
    StatusNotificationReq,
    StopTransactionReq,
    UploadDiagnostics,
)
from ocppsim.model.security_effects import (
    CertificatesChanged,
    ChargePointCertificateChanged,
    DownloadSignedFirmware,
    MakeCsr,
    SecurityLogEntry,
    UploadLog,
    V2GCertificateChanged,
)
from ocppsim.model.types import RegistrationStatus
from ocppsim.ocpp201.wire import Wire201
from ocppsim.runtime.certificates import make_csr
from ocppsim.runtime.clock import TimerHandle
from ocppsim.runtime.events import Event, EventBus
from ocppsim.runtime.secure_transfer import download_signed_firmware, upload_log

if TYPE_CHECKING:
    from ocppsim.runtime.ocmf_signer import OcmfSigner
    from ocppsim.runtime.station import ConfigSink, Station

__all__ = ["ModelDriver"]


class ModelDriver:
    __slots__ = ("_collected", "_halted", "_station", "_timer", "_timer_at")

    def __init__(self, station: Station) -> None:
        self._station = station
        self._timer: TimerHandle | None = None
        self._timer_at: float | None = None
        self._halted = False  # the station stopped: no deadline fires again (cancel())
        # While `run_model_collect` runs: the requests the model sends, with futures for their outcomes.
        self._collected: list[tuple[Request, asyncio.Future[object]]] | None = None

    def after_model(self) -> None:
        """Carry out what the model asked for, then re-arm the single deadline timer."""
        station = self._station
        for effect in station.charger.drain():
            self._apply(station, effect)
        if station.signer is not None:
            self._announce_meter_keys(station, station.signer)
        if station.history is not None:  # the dashboard's charts (runtime/meter_history.py)
            station.history.observe(station.id, station.charger, station.clock.now())
        self.rearm()

    def run_model(self, action: Callable[[float], Any]) -> Any:
        """Run one model input at the current time and carry out its effects."""
        result = action(self._station.clock.now())
        self.after_model()
        return result

    def run_model_collect(
        self, action: Callable[[float], Any]
    ) -> tuple[Any, list[tuple[Request, asyncio.Future[object]]]]:
        """As `run_model`, also returning the requests it sent with futures for their outcomes."""
        self._collected = []
        try:
            result = self.run_model(action)
            return result, self._collected
        finally:
            self._collected = None

    def rearm(self) -> None:
        """The deadline timer at the model's next deadline (kept when that did not move)."""
        if self._halted:
            return
        deadline = self._station.charger.next_deadline()
        if self._timer is not None:
            if deadline == self._timer_at:
                return  # most inputs leave the next deadline where it was: keep the timer
            self._timer.cancel()
            self._timer = None
        self._timer_at = deadline
        if deadline is not None:
            self._timer = self._station.clock.call_at(deadline, self._on_timer)

    def cancel(self) -> None:
        """The station stops: its deadline timer goes, and what the model does while the connection
        closes (a disconnect is a model input) arms none again. A fired deadline after the stop would
        run the model and journal its messages after the fleet has closed its store."""
        self._halted = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
            self._timer_at = None

    def _on_timer(self) -> None:
        self._timer = None
        self._timer_at = None
        station = self._station
        station.charger.tick(station.clock.now())
        self.after_model()

    def _announce_meter_keys(self, station: Station, signer: OcmfSigner) -> None:
        """Signed meter values: the public key after each BootNotification the CSMS accepted (queued
        behind what the acceptance produced; runtime/ocmf_signer.py). OCPP 2.0.1 has its own way: the key
        goes with the signed values (SignedMeterValueType.publicKey), not in a DataTransfer."""
        if isinstance(station.wire, Wire201):
            return
        if station.charger.registration is not RegistrationStatus.ACCEPTED:
            signer.announced = False
        elif not signer.announced:
            signer.announced = True
            station.outbox.enqueue(signer.meter_configuration(station.charger))

    def _apply(self, station: Station, effect: Effect) -> None:
        store = station._store
        signer = station.signer
        if signer is not None:
            # Signed before it is journaled: the document is made once, a retry sends the same bytes.
            wire = station.wire
            if isinstance(wire, Wire201):
                # 2.0.1: the events carry the key; Started the signed Begin, Ended the End reading.
                wire.meter_public_key = signer.public_key_base64
                if isinstance(effect, MeterValuesReq) and effect.sign is not None:
                    effect = signer.sign(effect, station.charger)
                elif isinstance(effect, StopTransactionReq):
                    effect = signer.complete_ended(effect)
                elif isinstance(effect, StartTransactionReq) and station.charger.metering.signing():
                    # The Started event carries the signed start reading (the Transaction.Begin value
                    # the model asks to sign next is then not signed again); with TxStartPoint
                    # DataSigned it is what starts the transaction (E01, triggerReason SignedDataReceived).
                    wire.signed_begin[effect.tx_ref] = signer.sign_started(effect, station.charger)
            elif isinstance(effect, MeterValuesReq) and effect.sign is not None:
                effect = signer.sign(effect, station.charger)
            elif isinstance(effect, StopTransactionReq):
                effect = signer.complete_stop(effect)
        if isinstance(effect, Request):
            if self._collected is not None:
                self._collected.append((effect, station.outbox.enqueue_awaitable(effect)))
            else:
                station.outbox.enqueue(effect)
            if store is not None:
                _journal(store, station, effect)
            events = station.events
            if events is not None and events.active:
                _publish_request(events, station, effect)
        elif isinstance(effect, ConfigChanged):
            if effect.key == "WebSocketPingInterval":
                station._pings.interval_changed()
            if store is not None:
                store.config.save(station.id, effect.key, effect.value)
            # Never log a secret (Security Whitepaper: AuthorizationKey changes are logged without value).
            # OCPP 2.0.1's SecurityCtrlr.BasicAuthPassword is such a secret too.
            secret = effect.key in ("AuthorizationKey", "SecurityCtrlr.BasicAuthPassword")
            shown = "<hidden>" if secret else effect.value
            station._log.info("configuration %s = %s", effect.key, shown)
        elif isinstance(effect, AuthCacheChanged):
            if store is not None:
                if effect.id_tag is None:
                    store.auth.cache_clear(station.id)
                elif effect.info is None:
                    store.auth.cache_delete(station.id, effect.id_tag)
                else:
                    store.auth.cache_put(station.id, effect.id_tag, effect.info)
        elif isinstance(effect, LocalListChanged):
            if store is not None:
                store.auth.save_local_list(station.id, effect.version, effect.entries)
        elif isinstance(effect, AvailabilityChanged):
            if store is not None:
                store.availability.save(station.id, effect.inoperative)
        elif isinstance(effect, ProfilesChanged):
            if store is not None:
                store.profiles.save(station.id, effect.profiles)
        elif isinstance(effect, ReservationsChanged):
            if store is not None:
                store.reservations.save(station.id, effect.reservations)
        elif isinstance(effect, DownloadFirmware):
            station.transfers.download_firmware(effect)
        elif isinstance(effect, UploadDiagnostics):
            station.transfers.upload_diagnostics(effect)
        elif isinstance(effect, FirmwareVersionChanged):
            if store is not None:
                store.firmware.save(station.id, effect.version)
            station._log.info("firmware %s installed", effect.version)
        elif isinstance(effect, SecurityLogEntry):
            # Security Whitepaper A04.FR.04: every security event in the security log (never a secret).
            if store is not None:
                store.certificates.log(station.id, effect.timestamp, effect.event_type, effect.tech_info)
            station._log.info("security event %s %s", effect.event_type, effect.tech_info or "")
        elif isinstance(effect, DownloadSignedFirmware):
            download_signed_firmware(station, effect)
        elif isinstance(effect, UploadLog):
            upload_log(station, effect)
        elif isinstance(effect, MakeCsr):
            make_csr(station, effect, store.certificates if store is not None else None)
        elif isinstance(effect, CertificatesChanged):
            if store is not None:
                store.certificates.save(station.id, effect.certificates)
        elif isinstance(effect, ChargePointCertificateChanged):
            if store is not None:
                store.certificates.save_charge_point(station.id, effect.chain_pem, effect.key_id)
            station._log.info("charge point certificate installed (key %s…)", effect.key_id[:16])
        elif isinstance(effect, V2GCertificateChanged):
            if store is not None:
                store.certificates.save_v2g(station.id, effect.chain_pem, effect.key_id)
            station._log.info("V2G certificate installed (key %s…)", effect.key_id[:16])
        elif isinstance(effect, Reboot):
            station.reboot(effect)
        elif isinstance(effect, Reconnect):
            station.reconnect()


def _journal(store: ConfigSink, station: Station, request: Request) -> None:
    """Keep what a restart after a crash needs: open transactions and the registers (offline doc 6)."""
    if isinstance(request, StartTransactionReq):
        store.transactions.open(station.id, request.tx_ref, request.connector_id, request.id_tag)
    elif isinstance(request, StopTransactionReq):
        store.transactions.close(station.id, request.tx_ref)
        store.registers.save(station.id, station.charger.metering.meter_registers())
    elif isinstance(request, MeterValuesReq) and request.tx_ref is not None:
        store.registers.save(station.id, station.charger.metering.meter_registers())


def _publish_request(bus: EventBus, station: Station, request: Request) -> None:
    """Status and meter values for the control surfaces' event stream (when one listens)."""
    now = station.clock.now()
    if isinstance(request, StatusNotificationReq):
        data: dict[str, object] = {
            "connector": request.connector_id,
            "status": request.status.value,
            "errorCode": request.error_code.value,
            "info": request.info,
            "vendorErrorCode": request.vendor_error_code,
        }
        bus.publish(Event("status", station.id, now, data))
    elif isinstance(request, MeterValuesReq) and request.connector_id in station.charger.connector_ids:
        view = station.charger.view(request.connector_id, now)
        data = {
            "connector": request.connector_id,
            "context": request.context.value,
            "power_w": round(view.power_w, 1),
            "current_a": round(view.usage, 2),
            "session_wh": round(view.energy, 1),
            "register_wh": round(view.meter_wh, 1),
            "soc": round(view.soc, 2),
        }
        bus.publish(Event("meter", station.id, now, data))
