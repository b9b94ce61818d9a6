"""The installed charging profiles and each connector's composite schedule as one JSON object: what the
`profiles` text command prints and what the REST API returns."""

from __future__ import annotations

from typing import Any

from ocppsim.model.charger import Charger
from ocppsim.model.types import ChargingRateUnit
from ocppsim.ocpp16.convert import format_time, profile_payload

__all__ = ["profiles_report"]


def profiles_report(charger: Charger, start: float, duration: int, unit: ChargingRateUnit) -> dict[str, Any]:
    """Profiles as OCPP JSON (with their connector) and the composite of connector 0 and each connector
    over [start, start + duration) in `unit` (GetCompositeSchedule semantics, section 5.7)."""
    composite = {
        str(cid): [
            {"startPeriod": x.start_period, "limit": x.limit, "numberPhases": x.number_phases}
            for x in charger.smart_charging.composite_schedule(cid, start, duration, unit)
        ]
        for cid in [0, *charger.connector_ids]
    }
    installed = [
        {"connectorId": p.connector_id, **profile_payload(p)}
        for p in sorted(
            charger.smart_charging.profiles.profiles.values(), key=lambda p: (p.connector_id, p.id)
        )
    ]
    return {
        "profiles": installed,
        "scheduleStart": format_time(start),
        "duration": duration,
        "chargingRateUnit": unit.value,
        "composite": composite,
    }
