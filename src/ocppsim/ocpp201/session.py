"""What the 2.0.1 adapter keeps per charging station beyond the shared model: the notions 1.6 lacks
that live only on the wire. A slotted object per station; nothing here is a rule of the charger.

- `seq`: the next seqNo of each running transaction's TransactionEvents (E01: 0 for Started, +1 for
  each event after it, E.FR "seqNo").
- `statuses`: the connectorStatus last queued per EVSE, so a StatusNotification goes only on a change
  (G01.FR.01): 1.6's Preparing -> Charging is Occupied -> Occupied in 2.0.1.
- `delivered`, `down_since`: the statuses the CSMS acknowledged and when the link went down: after a
  reconnect only what changed is sent again, or everything after more than OfflineThreshold (B04).
- `remote_ids`: the remoteStartId of a RequestStartTransaction per EVSE, for the transaction it starts
  (F01.FR.25 "remoteStartId in the TransactionEventRequest").
- `id_types`: the idToken type of tokens the CSMS named (RequestStartTransaction), echoed in what the
  station sends about them; a local card is ISO14443.
- `trigger_tx`: EVSEs whose next triggered meter values answer TriggerMessage(TransactionEvent) (F06).
- `queued`: how many events of each transaction wait in the queue (GetTransactionStatus, E14).
- `evse_of`: the EVSE of each running transaction (the Ended event tells whether the EV is still
  connected: chargingState EVConnected or Idle, TC_B_21, TC_B_22).
- `boot_reason`: BootReasonEnumType of the next BootNotification (PowerUp, RemoteReset, Triggered).
"""

from __future__ import annotations

from typing import Protocol

from ocppsim.model.charger import Charger
from ocppsim.ocpp201.convert import DEFAULT_ID_TOKEN_TYPE
from ocppsim.ocpp201.version import OcppVersion

__all__ = ["SequenceRecords", "Session"]


class SequenceRecords(Protocol):
    """The store's event_seq (store/event_sequences.py)."""

    def set_next(self, charger_id: str, tx_ref: int, next_seq: int) -> None: ...

    def forget(self, charger_id: str, tx_ref: int) -> None: ...

    def load(self, charger_id: str) -> dict[int, int]: ...


class Session:
    __slots__ = (
        "boot_reason",
        "charger",
        "delivered",
        "down_since",
        "evse_of",
        "id_types",
        "queued",
        "records",
        "remote_ids",
        "seq",
        "statuses",
        "trigger_tx",
        "version",
    )

    def __init__(self, charger: Charger, version: OcppVersion) -> None:
        self.charger = charger
        self.version = version
        self.seq: dict[int, int] = {}
        self.queued: dict[int, int] = {}  # tx_ref -> its events queued and not yet answered (E14)
        self.evse_of: dict[int, int] = {}  # tx_ref -> its EVSE, for the Ended event's chargingState
        self.statuses: dict[int, str] = {}
        self.delivered: dict[int, str] = {}  # the connectorStatus the CSMS acknowledged per EVSE
        self.down_since: float | None = None
        self.remote_ids: dict[int, int] = {}
        self.id_types: dict[str, str] = {}
        self.trigger_tx: set[int] = set()
        self.boot_reason = "PowerUp"
        self.records: SequenceRecords | None = None

    def bind(self, records: SequenceRecords | None) -> None:
        """Keep the seqNos in `records` from now on, and go on from what they hold (a restart)."""
        self.records = records
        if records is not None:
            self.seq.update(records.load(self.charger.params.charge_point_id))

    def link(self, up: bool, now: float, offline_threshold: float) -> None:
        if not up:
            self.down_since = now
            return
        # Statuses queued while offline were dropped: what stands is what the CSMS acknowledged, and
        # nothing of it after a long outage (B04.FR.01/02: all statuses again beyond OfflineThreshold).
        long_outage = self.down_since is not None and now - self.down_since > offline_threshold
        self.down_since = None
        if long_outage:
            self.delivered.clear()
        self.statuses = dict(self.delivered)

    def id_token_type(self, id_tag: str) -> str:
        return self.id_types.get(id_tag.lower(), DEFAULT_ID_TOKEN_TYPE)

    def next_seq(self, tx_ref: int) -> int:
        seq = self.seq.get(tx_ref, 0)
        self.seq[tx_ref] = seq + 1
        if self.records is not None:
            self.records.set_next(self.charger.params.charge_point_id, tx_ref, seq + 1)
        return seq

    def end(self, tx_ref: int) -> None:
        """The transaction's last event was made: its count is done with."""
        self.seq.pop(tx_ref, None)
        if self.records is not None:
            self.records.forget(self.charger.params.charge_point_id, tx_ref)
