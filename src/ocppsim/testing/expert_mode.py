"""Expert mode on a charger of a test (issue 19 item 5, runtime/interception.py): override what it
answers to your CSMS's calls and what it sends, to test your CSMS's error handling. Its own part of the
pytest plugin's Charger (which offers these methods under its own name: `charger.intercept(...)`), apart
from the driving and expecting helpers. The overrides end with the test (the harness clears them before
it stops the chargers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from ocppsim.runtime.station import Station

__all__ = ["ExpertMode", "RunsInLoop"]

T = TypeVar("T")

# The runtime is imported on use (as everywhere in the plugin): pytest loads the plugin in every run of an
# environment where ocppsim is installed.


class RunsInLoop(Protocol):
    """The simulator's event loop, as the plugin's Simulator offers it: the model is not thread-safe."""

    def run_sync(self, fn: Callable[[], T]) -> T: ...


class ExpertMode:
    """The overrides of one charger: `station` gives its running Station (or says it is not connected)."""

    def __init__(self, loop: RunsInLoop, station: Callable[[], Station]) -> None:
        self._loop = loop
        self._station = station

    def intercept(self, target: str, action: str, **options: Any) -> int:
        """Add an override; its id. `target="answer"`: the answer to your CSMS's CALL of `action`
        (status=, error= a Table 7 code with description=, delay= simulated seconds, drop=True,
        set_fields={"a.b": value}, remove_fields=["a.b"], raw=, malformed=True, model=); `target="send"`:
        the charger's own CALL of `action` (status=, set_fields=, remove_fields=, raw=, malformed=True).
        `action="*"`: every action without an override of its own; times=N: the next N frames only.
        A bad option is a ValueError (InterceptionError) that names it."""
        from ocppsim.runtime.interception import intercept  # noqa: PLC0415 - see above

        def add() -> int:
            return intercept(self._station(), target, action, **options).id

        return self._loop.run_sync(add)

    def interceptions(self) -> list[dict[str, Any]]:
        """The overrides in force: id, target, action, the options, `remaining` (of times) and `applied`."""
        from ocppsim.runtime.interception import overrides  # noqa: PLC0415 - see above

        return self._loop.run_sync(lambda: [o.as_dict() for o in overrides(self._station())])

    def remove_interception(self, override_id: int | str) -> int:
        """Remove the override with this id (or every one: "all"); how many were removed (0: none with
        this id, e.g. one whose `times` were used up)."""
        from ocppsim.runtime.interception import clear_overrides, remove_override  # noqa: PLC0415

        def remove() -> int:
            station = self._station()
            if override_id == "all":
                return clear_overrides(station)
            if isinstance(override_id, bool) or not isinstance(override_id, int):
                raise TypeError(f'an override id or "all", not {override_id!r}')
            return 0 if remove_override(station, override_id) is None else 1

        return self._loop.run_sync(remove)
