"""What an answer was built from, recorded while it is built, so that the whole answer can be cached on the
terms of the reads it used: under the groups of every one of them (an invalidation of any drops it), for no
longer than the first of them expires, and not at all when it used anything no invalidation reaches.

Cacheability is opted into, never assumed: the read cache reports each read it served, or read from Stripe
and kept (`read`); everything else an answer may use — a read past the cache, a write, the database —
reports `uncached()`, and a field computed from the clock bounds how long its answer holds (`valid_for`).
Reports made outside a recording (webhooks, the portal's page) are ignored. What cannot change an answer
is not reported: the subscriptions a customer was last seen with, read from the database to start previews
early, are a hint whose staleness costs a call, never a different answer.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator


@dataclass
class Dependencies:
    """The groups of the reads an answer used, how long the answer holds, and whether it may be cached."""

    groups: set[str] = field(default_factory=set)
    ttl: float = math.inf
    cacheable: bool = True


# Tasks started while recording (dataloaders' batches, reads started ahead) copy the context: their reads
# report to the same record.
_recording: ContextVar[Dependencies | None] = ContextVar("cache_dependencies", default=None)


@contextmanager
def recording() -> Iterator[Dependencies]:
    """Record what the code run in this block, and the tasks it starts, read."""
    dependencies = Dependencies()
    token = _recording.set(dependencies)
    try:
        yield dependencies
    finally:
        _recording.reset(token)


def read(groups: Collection[str], ttl: float) -> None:
    """A read served by the cache (or kept in it), under `groups`, with `ttl` seconds left to live."""
    dependencies = _recording.get()
    if dependencies is not None:
        dependencies.groups.update(groups)
        dependencies.ttl = min(dependencies.ttl, ttl)


def valid_for(seconds: float) -> None:
    """The answer, computed from the clock, changes in `seconds` even if nothing is invalidated."""
    dependencies = _recording.get()
    if dependencies is not None:
        dependencies.ttl = min(dependencies.ttl, seconds)


def uncached() -> None:
    """The answer used something that can change without an invalidation reaching its cached copy."""
    dependencies = _recording.get()
    if dependencies is not None:
        dependencies.cacheable = False
