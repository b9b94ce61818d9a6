"""Authorization of idTags (sections 4.1, 5.x): a known tag starts a session, an unknown one does not."""

from __future__ import annotations

from conftest import INVALID_TAG, VALID_TAG


async def test_valid_tag_is_accepted_and_starts_a_transaction(charger):
    await charger.plug()
    reply = await charger.tag(VALID_TAG)
    assert reply.startswith("Tag Accepted"), reply
    authorize = await charger.expect_call("Authorize", idTag=VALID_TAG)
    assert authorize.answer["idTagInfo"]["status"] == "Accepted"
    start = await charger.expect_call("StartTransaction", idTag=VALID_TAG, connectorId=1)
    assert start.answer["transactionId"] > 0
    await charger.wait_for_status("Charging")


async def test_unknown_tag_is_refused_and_nothing_starts(charger):
    await charger.plug()
    reply = await charger.tag(INVALID_TAG)
    assert reply == "Tag not accepted. Error: Invalid"
    authorize = await charger.expect_call("Authorize", idTag=INVALID_TAG)
    assert authorize.answer["idTagInfo"]["status"] == "Invalid"
    await charger.expect_no_call("StartTransaction")
    assert charger.status() == "Preparing"
