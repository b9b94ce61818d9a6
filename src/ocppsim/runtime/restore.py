"""Build a station from its persisted state: configuration, registers, profiles, cache, Local List,
reservations (the model drops expired ones), transactionIds, the journal of unsent transaction messages
and the transactions a crash interrupted, the certificates (Security Whitepaper M05, A02)."""

from __future__ import annotations

from ocppsim.model.charger import Charger, ChargerParams
from ocppsim.model.outgoing import InterruptedTransaction
from ocppsim.runtime.certificates import restore_certificates, restore_v2g_certificate
from ocppsim.runtime.clock import Clock
from ocppsim.runtime.station import Station, StationOptions
from ocppsim.store import Store

__all__ = ["restore_station"]


def restore_station(
    params: ChargerParams,
    options: StationOptions,
    *,
    clock: Clock,
    store: Store,
    config_defaults: dict[str, str] | None = None,
) -> Station:
    """The station of `params`, as its store left it. Must run inside the event loop: what an earlier run
    left unsent is queued (and the PowerLoss stops journaled) at once, so a second crash loses nothing."""
    cid = params.charge_point_id
    overrides = dict(config_defaults or {})
    overrides.update(store.config.load(cid))  # what the CSMS changed wins over INI seeds
    journal = store.journal.entries(cid)
    interrupted = [
        InterruptedTransaction(ref, connector, tag)
        for ref, connector, tag in store.transactions.still_open(cid)
    ]
    tx_ids = store.transactions.ids(cid)
    refs = (
        [ref for _, _, ref, _ in journal if ref is not None] + [t.tx_ref for t in interrupted] + list(tx_ids)
    )
    installed, cp_certificate = restore_certificates(store.certificates, cid, options.ca_file)
    charger = Charger(
        params,
        now=clock.now(),
        config_overrides=overrides,
        meter_registers=store.registers.load(cid),
        profiles=store.profiles.load(cid),
        transaction_ids=tx_ids,
        interrupted=interrupted,
        next_tx_ref=max(refs, default=0) + 1,
        auth_cache=store.auth.load_cache(cid),
        local_list=store.auth.load_local_list(cid),
        inoperative=store.availability.load(cid),
        reservations=store.reservations.load(cid),
        firmware_version=store.firmware.load(cid),
        certificates=installed,
        cp_certificate=cp_certificate,
    )
    v2g = restore_v2g_certificate(store.certificates, cid)
    if v2g is not None:  # 2.0.1 A02/A03: the ISO 15118 certificate accepted before the restart
        charger.security.requests.v2g_certificate = v2g
    charger.security.startup(clock.now())  # Security Whitepaper section 8: StartupOfTheDevice
    station = Station(charger, options, clock=clock, store=store)
    station.replay(journal)
    station.after_model()  # journals the PowerLoss stops now
    for tx in interrupted:
        store.transactions.close(cid, tx.tx_ref)
    return station
