"""Field matchers: what expect_call and a scenario's match/answer compare payloads with."""

from __future__ import annotations

import pytest

from ocppsim.testing.matching import ANY, MatcherError, check_matcher, mismatches

START = {
    "connectorId": 1,
    "idTag": "ABC",
    "meterStart": 0,
    "chargingProfile": {"chargingSchedule": {"chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}]}},
    "sampledValue": [
        {"measurand": "Energy.Active.Import.Register", "value": "10"},
        {"measurand": "SoC", "value": "20"},
    ],
}


@pytest.mark.parametrize(
    "expected",
    [
        {"idTag": "ABC"},
        {"connectorId": 1.0},  # a number equals its float
        {"chargingProfile.chargingSchedule.chargingSchedulePeriod.0.limit": 16},
        {
            "chargingProfile": {
                "chargingSchedule": {"chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0}]}
            }
        },
        {"idTag": {"$regex": "^A"}},
        {"meterStart": {"$gte": 0}, "connectorId": {"$lt": 2}},
        {"idTag": {"$in": ["X", "ABC"]}},
        {"reservationId": {"$exists": False}, "idTag": {"$exists": True}},
        {"sampledValue": {"$contains": {"measurand": "SoC"}}},
        {"idTag": ANY, "meterStart": lambda v: v == 0},
    ],
)
def test_matches(expected):
    assert mismatches(START, expected) == []


@pytest.mark.parametrize(
    ("expected", "reason"),
    [
        ({"idTag": "XYZ"}, "idTag: 'ABC' != 'XYZ'"),
        ({"connectorId": True}, "connectorId: 1 != True"),  # a bool is not a number here
        ({"reservationId": 3}, "reservationId: (missing) != 3"),
        (
            {"chargingProfile.chargingSchedule.chargingSchedulePeriod.0.limit": {"$lte": 10}},
            "does not match $lte 10",
        ),
        ({"idTag": {"$regex": "^B"}}, "does not match $regex '^B'"),
        ({"sampledValue": {"$contains": {"measurand": "Voltage"}}}, "no element matches"),
        ({"idTag": {"$exists": False}}, "present: 'ABC'"),
        ({"sampledValue": [{"measurand": "SoC"}]}, "!="),  # a list matches element by element, same length
        ({"meterStart": lambda v: v > 0}, "does not satisfy"),
    ],
)
def test_mismatches_say_why(expected, reason):
    found = mismatches(START, expected)
    assert len(found) == 1
    assert reason in found[0]


def test_every_mismatch_is_listed():
    assert len(mismatches(START, {"idTag": "X", "connectorId": 2})) == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"$regexp": "x"},
        {"$regex": "("},
        {"$gt": "5"},
        {"$in": "abc"},
        {"$exists": "yes"},
        {"a": {"$contains": {"$nope": 1}}},
    ],
)
def test_bad_matchers_are_refused(bad):
    with pytest.raises(MatcherError):
        check_matcher(bad)
