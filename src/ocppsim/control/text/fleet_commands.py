"""The fleet's text command interface: the single charger's commands and replies, addressed to any
charger of the fleet by id. `charger <id>` chooses the session's charger (like `connector N` chooses its
connector); `#<id> <command>` sends one command to another charger."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ocppsim.control.text.server import HELP, CommandRunner, SessionState
from ocppsim.runtime.fleet import Fleet

__all__ = [
    "FLEET_HELP",
    "NO_CHARGER",
    "FleetCommandRunner",
    "choice_error",
    "no_such_charger",
    "split_target",
    "without_charger",
]

log = logging.getLogger("ocppsim.control")

FLEET_HELP = (
    "Fleet: 'charger <id>' chooses the charger of this session; '#<id> <command>' sends one command to "
    "charger <id>. "
)
NO_CHARGER = "Error: no charger chosen: 'charger <id>' or '#<id> <command>'"


def split_target(line: str) -> tuple[str | None, str]:
    """`#<id> <command>` -> (id, command); anything else -> (None, line)."""
    text = line.strip()
    if not text.startswith("#"):
        return None, text
    target, _, rest = text[1:].partition(" ")
    return target, rest.strip() or "status"


def no_such_charger(charger_id: str) -> str:
    return f"Error: charger {charger_id!r} does not exist"


def choice_error(words: list[str], exists: Callable[[str], bool]) -> str | None:
    """For `charger <id>`: the error reply when it cannot choose; None when words[1] is a charger."""
    if len(words) != 2:
        return "Error: usage: charger <id>"
    if not exists(words[1]):
        return no_such_charger(words[1])
    return None


def without_charger(words: list[str], session: SessionState) -> str:
    """The reply to a line that names no charger while the session has none chosen."""
    if words[:1] in (["quit"], ["exit"]):
        session.closing = True
        return "bye"
    if words[:1] in ([], ["help"]):
        return FLEET_HELP + HELP
    return NO_CHARGER


class FleetCommandRunner:
    def __init__(
        self, fleet: Fleet, *, on_shutdown: Callable[[], None], default_tag: str = "12345678"
    ) -> None:
        self.fleet = fleet
        self.on_shutdown = on_shutdown
        self.default_tag = default_tag
        self._runners: dict[str, CommandRunner] = {}

    async def execute(self, line: str, session: SessionState) -> str:
        target, text = split_target(line)
        words = text.split()
        if target is None and words[:1] == ["charger"]:
            error = choice_error(words, lambda cid: cid in self.fleet)
            if error is not None:
                return error
            session.charger = words[1]
            session.connector = 1
            return f"Ok. charger {words[1]}"
        if target is None:
            target = session.charger
        if target is None:
            return without_charger(words, session)
        station = self.fleet.get(target)
        if station is None:
            return no_such_charger(target)
        runner = self._runners.get(target)
        if runner is None or runner.station is not station:
            runner = CommandRunner(
                station,
                default_tag=self.default_tag,
                on_shutdown=self.on_shutdown,
                vehicles=self.fleet.vehicles,
            )
            self._runners[target] = runner
        if words[:1] == ["help"]:
            return FLEET_HELP + HELP
        return await runner.execute(text, session)
