"""Relay pagination over Stripe lists: Stripe ids are the cursors, `after`/`before` map to
`starting_after`/`ending_before`, and a page holds at most Stripe's 100 objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from resolvers.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from stripe_gateway.records import Page

# Stripe's largest page, and the most ids one list call filters by (`products.list(ids=…)`).
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10


class Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Identified)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A validated page: `limit` objects after `starting_after`, or before `ending_before`."""

    limit: int
    starting_after: str | None = None
    ending_before: str | None = None


def page_request(
    *, first: int | None, after: str | None, last: int | None = None, before: str | None = None
) -> PageRequest:
    """Relay arguments as Stripe can serve them: forward with `first`/`after`, backward with `last`/`before`.

    Stripe lists newest first and cannot start from the oldest end, so `last` needs a `before` cursor.
    """
    if first is not None and last is not None:
        raise InvalidArgumentError("Pass either `first` or `last`, not both.")
    if after is not None and before is not None:
        raise InvalidArgumentError("Pass either `after` or `before`, not both.")
    if last is not None or before is not None:
        if before is None:
            raise InvalidArgumentError("`last` pages backward from a cursor: pass `before` with it.")
        if after is not None or first is not None:
            raise InvalidArgumentError("`before` goes with `last`; `after` goes with `first`.")
        return PageRequest(limit=_size("last", last), ending_before=before)
    return PageRequest(limit=_size("first", first), starting_after=after)


def _size(name: str, value: int | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise InvalidArgumentError(f"`{name}` must be between 1 and {MAX_PAGE_SIZE}.")
    return value


@dataclass(frozen=True, slots=True)
class Slice(Generic[T]):
    """One page of a connection, newest first; each node's cursor is its Stripe id."""

    nodes: tuple[T, ...]
    has_next_page: bool
    has_previous_page: bool


def slice_of(page: Page[T], request: PageRequest) -> Slice[T]:
    """What a Stripe page means for Relay's page info.

    Paging forward, Stripe's `has_more` says whether older objects follow; a cursor means newer ones precede.
    Paging backward (`ending_before`), `has_more` says whether newer objects precede, and the cursor object
    itself follows.
    """
    if request.ending_before is not None:
        return Slice(page.data, has_next_page=True, has_previous_page=page.has_more)
    return Slice(page.data, has_next_page=page.has_more, has_previous_page=request.starting_after is not None)


def slice_in_memory(nodes: Sequence[T], request: PageRequest) -> Slice[T]:
    """A page cut from a whole list held in memory (newest first), with the same cursors and page info as a
    Stripe list; an id not in the list is refused as a cursor."""
    start = 0
    if request.starting_after is not None:
        start = _position(nodes, request.starting_after) + 1
    end = len(nodes)
    if request.ending_before is not None:
        end = _position(nodes, request.ending_before)
        start = max(0, end - request.limit)
    else:
        end = min(end, start + request.limit)
    return Slice(tuple(nodes[start:end]), has_next_page=end < len(nodes), has_previous_page=start > 0)


def _position(nodes: Sequence[T], cursor: str) -> int:
    for index, node in enumerate(nodes):
        if node.id == cursor:
            return index
    raise InvalidArgumentError(f"'{cursor}' is not a cursor of this list.")
