"""Authorization: a driver's id tag from presentation to an authorized session (OCPP 1.6 sections 3.4
Authorization, 3.10 Parent idTag, 4.1 Authorize, 5.2 / 9.1 LocalPreAuthorize and the offline rules), the
spec-faithful badge swipe beside the compatibility contract's `tag` (a tag before the cable waits
ConnectionTimeOut for it, 9.1 / 4.9 B1; during a transaction the same tag or one of its group stops it,
4.10), and the CS->CP
operations on the lists (5.4 ClearCache, 5.10 GetLocalListVersion, 5.15 SendLocalList). What is known
about tags, and the decisions made from it, is `authorization/lists.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from ocppsim.model.authorization.lists import TagLists
from ocppsim.model.charger_state import ChargerState, Connector, Fault, Session
from ocppsim.model.hardware import supports
from ocppsim.model.outgoing import AuthCacheChanged, AuthorizeReq, IdTagInfo
from ocppsim.model.status_table import TRANSACTION_STATES
from ocppsim.model.types import (
    AuthorizationStatus,
    ChargePointErrorCode,
    ChargePointStatus,
    ClearCacheStatus,
    Reason,
    UpdateStatus,
    UpdateType,
)

__all__ = ["Authorization", "TagOutcome", "TagStep"]

S = ChargePointStatus


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
    # Accepted as a tag, but the connector is reserved for another idTag (section 5.13).
    reserved_for_other: bool = False
    # A swipe during a transaction: True it stopped it (same group), False it did not; None otherwise.
    stopped: bool | None = None
    # Accepted as a tag, but the connector cannot be used: Unavailable (section 5.2) or Faulted (4.9).
    unusable: bool = False
    # Accepted, but the EV was unplugged while Authorize.conf was awaited: nothing starts.
    withdrawn: bool = False


class Authorization:
    __slots__ = ("_s", "lists")

    def __init__(
        self,
        state: ChargerState,
        *,
        cache: dict[str, IdTagInfo] | None,
        local_list: tuple[int, dict[str, IdTagInfo]] | None,
    ) -> None:
        self._s = state
        self.lists = TagLists(state.config, cache=cache, local_list=local_list)

    @property
    def cache(self) -> dict[str, IdTagInfo]:
        return self.lists.cache

    @property
    def local_list(self) -> Mapping[str, IdTagInfo]:
        return self.lists.local_list

    def remember(self, id_tag: str, info: IdTagInfo) -> None:
        """An IdTagInfo from the CSMS (Authorize, Start/StopTransaction.conf) goes into the cache."""
        for effect in self.lists.remember(id_tag, info):
            self._s.emit(effect)

    def forget(self, id_tag: str) -> bool:
        """OCPP 2.0.1 N10 (CustomerInformation clear): the tag's Authorization Cache entry goes; True
        when there was one. The Local List is the CSMS's own (SendLocalList) and stays."""
        key = id_tag.lower()
        if self.lists.cache.pop(key, None) is None:
            return False
        self._s.emit(AuthCacheChanged(key, None))
        return True

    # ------------------------------------------------------------------ a driver's tag

    def present_tag(self, connector_id: int, id_tag: str, now: float) -> TagStep | TagOutcome:
        """A driver presents `id_tag`: stop what runs, or authorize and start (contract `tag`)."""
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        if c.status in TRANSACTION_STATES:
            if c.tx is not None:
                state.transactions.stop(c, Reason.LOCAL, now, id_tag=id_tag)
            else:
                state.transactions.end_session(c)
            state.status.settle(c, now)
            return TagStep.STOPPING
        config = state.config
        if not config.get_bool("OCPPAuthorizationEnabled"):
            # Free vend: no Authorize before StartTransaction.
            return self._tag_decided(c, id_tag, IdTagInfo(AuthorizationStatus.ACCEPTED), now)
        local = self.pre_authorized(id_tag, now)
        if local is not None:
            return self._tag_decided(c, id_tag, local, now)
        state.emit(AuthorizeReq(id_tag, c.id, unplugs=c.unplugs))
        return TagStep.AUTHORIZING

    def swipe(self, connector_id: int, id_tag: str, now: float) -> TagStep | TagOutcome:
        """A badge swipe as the spec has it (not the contract's `tag`, which also plugs the EV in).

        During a transaction: the idTag that started it stops it at once without Authorize (4.1: "only
        ... when the identifier used for stopping the transaction is different"); another idTag is
        authorized (list / cache, else Authorize.req) and stops it only when its parentIdTag matches the
        transaction's (3.10). Otherwise the tag is authorized as by `present_tag`, but the connector
        waits in Preparing for the cable until ConnectionTimeOut (9.1, 4.9 B1)."""
        state = self._s
        state.advance(now)
        c = state.conn(connector_id)
        tx = c.tx
        # Also a transaction on a Faulted connector: the swipe never replaces it. One that a 2.0.1
        # TxStartPoint started before its token (EVConnected, ParkingBayOccupancy) is authorized by it.
        if tx is not None and tx.authorized:
            if _same_tag(id_tag, tx.id_tag):
                state.transactions.stop(c, Reason.LOCAL, now, id_tag=id_tag)
                state.status.settle(c, now)
                return TagStep.STOPPING
            known = self._known_locally(id_tag, now)
            if known is not None:
                return self._swipe_stop(c, tx.ref, id_tag, known, now)
            state.emit(AuthorizeReq(id_tag, c.id, swipe=True, stop_tx_ref=tx.ref))
            return TagStep.AUTHORIZING
        session = c.session
        if session is not None and tx is None:
            if not _same_tag(id_tag, session.id_tag):
                # Preparing for another driver's session: this badge changes nothing.
                return TagStep.DONE
            # The same badge again before the cable: the driver cancels (4.9 B1, "intended usage ended").
            state.transactions.end_session(c)
            state.status.settle(c, now)
            return TagStep.STOPPING
        if not state.config.get_bool("OCPPAuthorizationEnabled"):
            return self._tag_decided(c, id_tag, IdTagInfo(AuthorizationStatus.ACCEPTED), now, plug=False)
        local = self.pre_authorized(id_tag, now)
        if local is not None:
            return self._tag_decided(c, id_tag, local, now, plug=False)
        state.emit(AuthorizeReq(id_tag, c.id, swipe=True))
        return TagStep.AUTHORIZING

    def _known_locally(self, id_tag: str, now: float) -> IdTagInfo | None:
        """A stopping tag's IdTagInfo from the Local List or the cache under LocalPreAuthorize (section
        4.1: then Authorize.req MAY be skipped; 9.1 as for a start); without authorization (free vend)
        every tag is Accepted, in its listed group if any."""
        if not self._s.config.get_bool("OCPPAuthorizationEnabled"):
            return self.lists.known(id_tag) or IdTagInfo(AuthorizationStatus.ACCEPTED)
        return self.pre_authorized(id_tag, now)

    def _swipe_stop(self, c: Connector, tx_ref: int, id_tag: str, info: IdTagInfo, now: float) -> TagOutcome:
        """Another tag during transaction `tx_ref`: stop it (reason Local, with this idTag: 4.10 / 6.50)
        when the tag is Accepted and in the transaction's group (same parentIdTag, section 3.10)."""
        accepted = info.status is AuthorizationStatus.ACCEPTED
        parent = self._parent(id_tag, info)
        tx = c.tx
        if tx is None or tx.ref != tx_ref:
            return TagOutcome(accepted, info.status, parent, c.status, stopped=False)
        mine = c.session.parent_id_tag if c.session is not None else None
        if mine is None:
            mine = self._parent(tx.id_tag, IdTagInfo(AuthorizationStatus.ACCEPTED))
        if not accepted or parent is None or mine is None or not _same_tag(parent, mine):
            return TagOutcome(accepted, info.status, parent, c.status, stopped=False)
        state = self._s
        state.transactions.stop(c, Reason.LOCAL, now, id_tag=id_tag)
        state.status.settle(c, now)
        return TagOutcome(True, info.status, parent, c.status, stopped=True)

    def pre_authorized(self, id_tag: str, now: float) -> IdTagInfo | None:
        """LocalPreAuthorize (sections 3.4, 9.1): a tag valid in the Local List or the cache starts at once,
        without Authorize; None when the CSMS must be asked. Also for a remote start with
        AuthorizeRemoteTxRequests (section 5.11: authorized "like a local action")."""
        if not self._s.config.get_bool("LocalPreAuthorize"):
            return None
        local = self.lists.known(id_tag)
        return local if local is not None and self.lists.valid(local, now) else None

    def on_authorize_result(self, request: AuthorizeReq, info: IdTagInfo | None, now: float) -> TagOutcome:
        """Authorize.conf arrived, or (info None) it could not be obtained: decide offline (section 5.2 /
        offline-and-reliability.md section 5)."""
        state = self._s
        state.advance(now)
        c = state.conn(request.connector_id)
        if info is None:
            info = self.lists.offline(request.id_tag, now)
        else:
            self.remember(request.id_tag, info)
            if self.lists.conflicts(request.id_tag, info):
                # The CSMS disagrees with the Local List: report it on connector 0 (section 3.5.2).
                fault = Fault(ChargePointErrorCode.LOCAL_LIST_CONFLICT)
                state.emit(state.status.status_req(0, state.status0, fault, now))
        if request.remote:
            session = c.session
            if session is None or session.id_tag != request.id_tag or session.authorized:
                return TagOutcome(False, info.status, info.parent_id_tag, c.status)
            if info.status is AuthorizationStatus.ACCEPTED and not self._admitted(c, request.id_tag, info):
                # RemoteStartTransaction on a connector reserved for another idTag (section 5.13): the
                # parent idTag, known now, does not match either.
                c.session = None
                state.status.settle(c, now)
                return TagOutcome(False, info.status, info.parent_id_tag, c.status, reserved_for_other=True)
            if info.status is AuthorizationStatus.ACCEPTED:
                session.authorized = True
                session.parent_id_tag = self._parent(request.id_tag, info)
                c.last_id_tag = request.id_tag
            else:
                c.session = None
            state.status.settle(c, now)
            return TagOutcome(
                info.status is AuthorizationStatus.ACCEPTED, info.status, info.parent_id_tag, c.status
            )
        if request.stop_tx_ref is not None:
            return self._swipe_stop(c, request.stop_tx_ref, request.id_tag, info, now)
        if request.swipe and (c.session is not None or (c.tx is not None and c.tx.authorized)):
            # Somebody else started on this connector while the CSMS answered.
            return TagOutcome(False, info.status, info.parent_id_tag, c.status)
        if not request.swipe and c.unplugs != request.unplugs:
            # The EV left while the CSMS answered: the driver withdrew, and the answer must not bring the
            # EV back and start a transaction on an empty connector.
            return TagOutcome(False, info.status, info.parent_id_tag, c.status, withdrawn=True)
        return self._tag_decided(c, request.id_tag, info, now, plug=not request.swipe)

    def _tag_decided(
        self, c: Connector, id_tag: str, info: IdTagInfo, now: float, *, plug: bool = True
    ) -> TagOutcome:
        if info.status is not AuthorizationStatus.ACCEPTED:
            return TagOutcome(False, info.status, info.parent_id_tag, c.status)
        if not self._admitted(c, id_tag, info):
            # Section 5.13: a reserved connector refuses every idTag but the reserved one and those with
            # its parent idTag; the connector stays Reserved.
            return TagOutcome(False, info.status, info.parent_id_tag, c.status, reserved_for_other=True)
        if not c.operative or c.faulted:
            # An Unavailable or Faulted connector starts nothing: no session is kept that would start a
            # transaction by itself once the connector is usable again (sections 5.2, 4.9).
            return TagOutcome(False, info.status, info.parent_id_tag, c.status, unusable=True)
        state = self._s
        c.last_id_tag = id_tag
        # The original ocppsim treats a tag as "EV here and authorized": a tag without `plugin` charges.
        # A swipe (plug=False) leaves the cable to the driver: the session waits for it (ConnectionTimeOut).
        if plug:
            c.plugged = True
        c.finishing = False
        if c.status in (S.AVAILABLE, S.FINISHING, S.RESERVED) and c.operative and c.fault is None:
            state.status.transition(c, S.PREPARING, now)  # A2, F2, G2
        c.session = Session(id_tag, self._parent(id_tag, info), now, authorized=True)
        state.status.settle(c, now)
        return TagOutcome(True, info.status, info.parent_id_tag, c.status)

    def _parent(self, id_tag: str, info: IdTagInfo) -> str | None:
        """The tag's parent idTag: from the answer, else from the Local List or cache (section 5.13:
        Authorize.conf MAY contain it, errata 4.12)."""
        if info.parent_id_tag is not None:
            return info.parent_id_tag
        known = self.lists.known(id_tag)
        return known.parent_id_tag if known is not None else None

    def _admitted(self, c: Connector, id_tag: str, info: IdTagInfo) -> bool:
        return self._s.reservations.admits(c, id_tag, self._parent(id_tag, info))

    # ------------------------------------------------------------------ CS -> CP operations

    def send_local_list(
        self, version: int, update_type: UpdateType, entries: list[tuple[str, IdTagInfo | None]]
    ) -> UpdateStatus:
        if not supports(self._s.config, "LocalAuthListManagement"):
            return UpdateStatus.NOT_SUPPORTED  # section 5.15 / 7.48 (model/hardware.py)
        status, effects = self.lists.send_local_list(version, update_type, entries)
        for effect in effects:
            self._s.emit(effect)
        return status

    def get_local_list_version(self) -> int:
        if not supports(self._s.config, "LocalAuthListManagement"):
            return -1  # section 5.10: "the Charge Point does not support Local Authorization Lists"
        return self.lists.local_list_version

    def clear_cache(self) -> ClearCacheStatus:
        for effect in self.lists.clear_cache():
            self._s.emit(effect)
        return ClearCacheStatus.ACCEPTED


def _same_tag(a: str, b: str) -> bool:
    """IdToken is a CiString20 (section 7.28 / 7.8): compared case-insensitively."""
    return a.casefold() == b.casefold()
