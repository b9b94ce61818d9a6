"""Charging profiles per charger (SetChargingProfile, OCPP 1.6 section 5.16): they survive a reboot
(errata 3.37), so the whole installed set is saved after each change.

A row in `profile_sets` means "saved once": an empty set (the CSMS cleared everything) is then not
replaced by the INI default profiles. A profile is stored as one JSON body (its fields, times as epoch
seconds).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ocppsim.model.schedule import ChargingProfile, ChargingSchedule, SchedulePeriod
from ocppsim.model.types import ChargingProfileKind, ChargingProfilePurpose, ChargingRateUnit, RecurrencyKind
from ocppsim.store.database import Database
from ocppsim.store.schema import timestamp

__all__ = ["Profiles"]


class Profiles:
    __slots__ = ("_sql", "_transaction")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._transaction = db.transaction

    def load(self, charger_id: str) -> list[ChargingProfile] | None:
        """The saved profiles, or None when none were ever saved for this charger."""
        if (
            self._sql.execute("SELECT 1 FROM profile_sets WHERE charger_id = ?", (charger_id,)).fetchone()
            is None
        ):
            return None
        rows = self._sql.execute(
            "SELECT body FROM charging_profiles WHERE charger_id = ? ORDER BY profile_id", (charger_id,)
        )
        return [_profile_from_json(json.loads(body)) for (body,) in rows.fetchall()]

    def save(self, charger_id: str, profiles: Iterable[ChargingProfile]) -> None:
        rows = [(charger_id, p.id, json.dumps(_profile_to_json(p))) for p in profiles]
        with self._transaction():
            self._sql.execute("INSERT OR IGNORE INTO profile_sets (charger_id) VALUES (?)", (charger_id,))
            self._sql.execute("DELETE FROM charging_profiles WHERE charger_id = ?", (charger_id,))
            self._sql.executemany(
                "INSERT INTO charging_profiles (charger_id, profile_id, body) VALUES (?, ?, ?)", rows
            )


def _profile_to_json(p: ChargingProfile) -> dict[str, Any]:
    sched = p.schedule
    return {
        "id": p.id,
        "connector_id": p.connector_id,
        "stack_level": p.stack_level,
        "purpose": p.purpose.value,
        "kind": p.kind.value,
        "recurrency": p.recurrency.value if p.recurrency else None,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "transaction_id": p.transaction_id,
        "schedule": {
            "unit": sched.unit.value,
            "periods": [[x.start_period, x.limit, x.number_phases] for x in sched.periods],
            "duration": sched.duration,
            "start_schedule": sched.start_schedule,
            "min_charging_rate": sched.min_charging_rate,
        },
    }


def _profile_from_json(d: dict[str, Any]) -> ChargingProfile:
    sched = d["schedule"]
    return ChargingProfile(
        id=d["id"],
        connector_id=d["connector_id"],
        stack_level=d["stack_level"],
        purpose=ChargingProfilePurpose(d["purpose"]),
        kind=ChargingProfileKind(d["kind"]),
        schedule=ChargingSchedule(
            unit=ChargingRateUnit(sched["unit"]),
            periods=tuple(SchedulePeriod(start, limit, phases) for start, limit, phases in sched["periods"]),
            duration=sched["duration"],
            start_schedule=timestamp(sched["start_schedule"]),
            min_charging_rate=sched["min_charging_rate"],
        ),
        recurrency=RecurrencyKind(d["recurrency"]) if d["recurrency"] else None,
        valid_from=timestamp(d["valid_from"]),
        valid_to=timestamp(d["valid_to"]),
        transaction_id=d["transaction_id"],
    )
