"""Relay connections: one generic `Connection[N]` of `Edge[N]` for every list that can grow, and `PageInfo`.

Strawberry names each use after its node (`Connection[Invoice]` is `InvoiceConnection`), so a new list is
one line. Cursors are the nodes' Stripe ids, except the audit trail's, which are opaque.
"""

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from resolvers.pagination import Identified, Slice


@strawberry.type(description="Where a page sits in a list. Cursors are the Stripe ids of the edge nodes.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether older objects follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether newer objects precede this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first edge; null if empty.")
    end_cursor: str | None = strawberry.field(description="The cursor of the last edge; null if empty.")


T = TypeVar("T", bound=Identified)
N = TypeVar("N")


@strawberry.type(description="An item of a list, with its cursor.")
class Edge(Generic[N]):
    cursor: str = strawberry.field(description="Pass it as `after` (or `before`) to page from this item.")
    node: N = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, newest first.")
class Connection(Generic[N]):
    edges: list[Edge[N]] = strawberry.field(description="The items of this page, newest first.")
    page_info: PageInfo = strawberry.field(description="Where this page sits in the list.")


def connection(page: Slice[T], node: Callable[[T], N]) -> Connection[N]:
    """The page as a connection whose cursors are its records' ids."""
    return Connection(
        edges=[Edge(cursor=record.id, node=node(record)) for record in page.nodes], page_info=page_info(page)
    )


def page_info(page: Slice[T]) -> PageInfo:
    listed = page.nodes
    return PageInfo(
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        start_cursor=listed[0].id if listed else None,
        end_cursor=listed[-1].id if listed else None,
    )
