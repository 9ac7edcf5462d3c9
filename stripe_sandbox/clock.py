"""Time passing in the sandbox, as a Stripe test clock: everything that falls due up to an instant is
processed in time order, each at its own moment (a renewal dated at its period end, not at `to`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

# (when it is due, order among things due at the same instant, what to do)
Task = tuple[int, int, Callable[[], None]]
# The earliest task of one kind due at or before an instant, or None.
Scheduler = Callable[["Store", int], Task | None]

_SCHEDULERS: list[Scheduler] = []


def scheduler(find_due: Scheduler) -> Scheduler:
    """Register what falls due for one kind of object; the resource modules do this at import."""
    _SCHEDULERS.append(find_due)
    return find_due


def advance(store: Store, *, to: int) -> None:
    """Process everything due at or before `to`, earliest first (the clock itself has already moved)."""
    while True:
        due = [task for find_due in _SCHEDULERS if (task := find_due(store, to)) is not None]
        if not due:
            return
        _, _, run = min(due, key=lambda task: (task[0], task[1]))
        run()


def catch_up(store: Store) -> None:
    """On a running clock time passes by itself: bring the objects up to now before serving them."""
    advance(store, to=store.now())
