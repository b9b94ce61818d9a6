"""Vehicles by id tag (battery and charging limits of the EV that a tag brings), shared by every charger
of the data directory. Not an OCPP record: the simulator's own (the REST API and the fleet file set them).
"""

from __future__ import annotations

from ocppsim.model.vehicles import Vehicle
from ocppsim.store.database import Database

__all__ = ["Vehicles"]


class Vehicles:
    __slots__ = ("_sql", "_write")

    def __init__(self, db: Database) -> None:
        self._sql = db.connection
        self._write = db.write

    def load(self) -> list[tuple[str, Vehicle]]:
        rows = self._sql.execute(
            "SELECT id_tag, capacity_wh, initial_soc, max_current_a, phases, max_power_w FROM vehicles"
        )
        return [(tag, Vehicle(cap, soc, amps, phases, power)) for tag, cap, soc, amps, phases, power in rows]

    def save(self, id_tag: str, vehicle: Vehicle) -> None:
        self._write(
            "INSERT INTO vehicles (id_tag, capacity_wh, initial_soc, max_current_a, phases, max_power_w) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id_tag) DO UPDATE SET id_tag = excluded.id_tag, "
            "capacity_wh = excluded.capacity_wh, initial_soc = excluded.initial_soc, "
            "max_current_a = excluded.max_current_a, phases = excluded.phases, "
            "max_power_w = excluded.max_power_w",
            (
                id_tag,
                vehicle.capacity_wh,
                vehicle.initial_soc,
                vehicle.max_current_a,
                vehicle.phases,
                vehicle.max_power_w,
            ),
        )

    def delete(self, id_tag: str) -> None:
        self._write("DELETE FROM vehicles WHERE id_tag = ?", (id_tag,))
