"""Looking ahead at what a query selects below the current field, to fold children into one Stripe call.

Built once per field from strawberry's public `info.selected_fields`, then asked about any path below it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from resolvers.loaders.customers import CustomerReads

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from strawberry.types.nodes import Selection as Node

    from schema.context import Info


def _fields(selections: Iterable[Node]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


class Selection:
    """The fields a query selects at one place (GraphQL names), through any fragment; empty when none."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Sequence[SelectedField]) -> None:
        self._fields = fields

    @classmethod
    def of(cls, info: Info) -> Selection:
        """The current field itself: `below` it are what the query selects on its type."""
        return cls(list(_fields(info.selected_fields)))

    def below(self, *path: str) -> Selection:
        level: Sequence[SelectedField] = self._fields
        for name in path:
            level = [child for parent in level for child in _fields(parent.selections) if child.name == name]
        return Selection(level)

    def __bool__(self) -> bool:
        return bool(self._fields)


def selects(info: Info, *path: str) -> bool:
    """Whether the current field selects the nested field `path` (GraphQL names), through any fragment."""
    return bool(Selection.of(info).below(*path))


def customer_reads(customer: Selection) -> CustomerReads:
    """What the query shows below a customer: its subscriptions, their items' products (directly or through
    their prices), and upcoming invoices (the subscriptions' or the customer's own)."""
    subscriptions = customer.below("subscriptions")
    items = subscriptions.below("items")
    return CustomerReads(
        subscriptions=bool(subscriptions),
        item_products=bool(items.below("product") or items.below("price", "product")),
        upcoming_invoices=bool(subscriptions.below("upcomingInvoice") or customer.below("upcomingInvoice")),
    )
