"""Relay's `PageInfo`, shared by every connection (cursors are Stripe ids)."""

from typing import TypeVar

import strawberry

from resolvers.pagination import Identified, Slice


@strawberry.type(description="Where a page sits in a list. Cursors are the Stripe ids of the edge nodes.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether older objects follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether newer objects precede this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first edge; null if empty.")
    end_cursor: str | None = strawberry.field(description="The cursor of the last edge; null if empty.")


T = TypeVar("T", bound=Identified)


def page_info(page: Slice[T]) -> PageInfo:
    listed = page.nodes
    return PageInfo(
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        start_cursor=listed[0].id if listed else None,
        end_cursor=listed[-1].id if listed else None,
    )
