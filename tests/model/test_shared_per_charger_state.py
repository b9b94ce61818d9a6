"""State a fleet's chargers share until one of them changes it (issue 20, per-charger memory): the empty
Local List, the cached tags and their IdTagInfo, the effects list with nothing emitted. Sharing must
never let one charger's change show at another."""

from __future__ import annotations

from charger_fixtures import T0, booted

from ocppsim.model.charger_state import NO_EFFECTS
from ocppsim.model.outgoing import IdTagInfo
from ocppsim.model.types import AuthorizationStatus, UpdateStatus, UpdateType

ACCEPTED = IdTagInfo(AuthorizationStatus.ACCEPTED)


def test_chargers_without_a_local_list_share_one_and_a_list_sent_stays_with_its_charger() -> None:
    a, b = booted(), booted()
    assert a.authorization.local_list is b.authorization.local_list
    assert len(a.authorization.local_list) == 0
    status = a.authorization.send_local_list(1, UpdateType.FULL, [("Tag1", ACCEPTED)])
    assert status is UpdateStatus.ACCEPTED
    assert dict(a.authorization.local_list) == {"tag1": ACCEPTED}
    assert len(b.authorization.local_list) == 0
    assert booted().authorization.local_list is b.authorization.local_list
    # Differential on the shared empty list: a list of its own, the shared one untouched.
    assert (
        b.authorization.send_local_list(2, UpdateType.DIFFERENTIAL, [("T2", ACCEPTED)])
        is UpdateStatus.ACCEPTED
    )
    assert dict(b.authorization.local_list) == {"t2": ACCEPTED}
    assert len(booted().authorization.local_list) == 0


def test_chargers_caching_the_same_answer_share_its_key_and_info_and_clear_their_own() -> None:
    a, b = booted(), booted()
    a.authorization.remember("FleetTag", IdTagInfo(AuthorizationStatus.ACCEPTED))
    b.authorization.remember("FLEETTAG", IdTagInfo(AuthorizationStatus.ACCEPTED))
    [(key_a, info_a)], [(key_b, info_b)] = a.authorization.cache.items(), b.authorization.cache.items()
    assert key_a == key_b == "fleettag" and key_a is key_b
    assert info_a is info_b and info_a == ACCEPTED
    blocked = IdTagInfo(AuthorizationStatus.BLOCKED)
    b.authorization.remember("fleettag", blocked)
    assert a.authorization.cache == {"fleettag": ACCEPTED} and b.authorization.cache == {"fleettag": blocked}
    a.authorization.clear_cache()
    assert a.authorization.cache == {} and b.authorization.cache == {"fleettag": blocked}


def test_the_effects_list_is_shared_while_empty_and_never_written_while_shared() -> None:
    a, b = booted(), booted()
    a.drain(), b.drain()
    assert a.state.effects is NO_EFFECTS and b.state.effects is NO_EFFECTS
    drained = a.drain()
    assert drained == [] and drained is not NO_EFFECTS
    a.ev_inputs.plug_in(1, T0)
    assert a.state.effects is not NO_EFFECTS and len(a.state.effects) >= 1
    assert b.state.effects is NO_EFFECTS and NO_EFFECTS == []
    effects = a.drain()
    assert effects and a.state.effects is NO_EFFECTS and NO_EFFECTS == []
