"""Looking ahead at what a query selects below the current field, to fold children into one Stripe call.

Built once per field from the document's own nodes, then asked about any path below it. Strawberry's public
`info.selected_fields` would do, but it first copies the whole subtree below the field (arguments and
directives included): with it the warm dashboard's median went from 10 to 25 ms and the cold one from 68 to
150 ms (`./dev bench --only dashboard --runs 30`), so the field nodes are read through its raw info.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode

from resolvers.loaders.customers import CustomerReads

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from graphql import FragmentDefinitionNode, SelectionSetNode

    from schema.context import Info


def _fields(
    selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from _fields(fragments[selection.name.value].selection_set, fragments)


class Selection:
    """The fields a query selects at one place (GraphQL names), through any fragment; empty when none."""

    __slots__ = ("_fields", "_fragments")

    def __init__(self, fields: Sequence[FieldNode], fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self._fields = fields
        self._fragments = fragments

    @classmethod
    def of(cls, info: Info) -> Selection:
        """The current field itself: `below` it are what the query selects on its type."""
        raw = info._raw_info  # the only way to the field nodes and fragments without copying them
        return cls(raw.field_nodes, raw.fragments)

    def below(self, *path: str) -> Selection:
        level: Sequence[FieldNode] = self._fields
        for name in path:
            level = [
                child for parent in level for child in _fields(parent.selection_set, self._fragments)
                if child.name.value == name
            ]  # fmt: skip
        return Selection(level, self._fragments)

    def __bool__(self) -> bool:
        return bool(self._fields)


def selects(info: Info, *path: str) -> bool:
    """Whether the current field selects the nested field `path` (GraphQL names), through any fragment."""
    return bool(Selection.of(info).below(*path))


def customer_reads(customer: Selection) -> CustomerReads:
    """What the query shows below a customer: its subscriptions, their items' products (directly or through
    their prices), upcoming invoices (the subscriptions' or the customer's own, or an item's usage so far),
    their items' meters and its credit."""
    subscriptions = customer.below("subscriptions")
    items = subscriptions.below("items")
    return CustomerReads(
        # Every upcoming invoice needs the list of subscriptions, and whether a payment needs attention both
        # them and the customer's record: they come in one read.
        subscriptions=bool(
            subscriptions or customer.below("upcomingInvoices") or customer.below("paymentAttentionNeeded")
        ),
        # The catalog read ahead also brings the tiers of the items' prices.
        item_products=bool(
            items.below("product") or items.below("price", "product") or items.below("price", "tiers")
        ),
        upcoming_invoices=bool(
            subscriptions.below("upcomingInvoice")
            or customer.below("upcomingInvoice")
            or customer.below("upcomingInvoices")
            or items.below("usage")  # an item's usage so far is its line on the upcoming invoice
        ),
        meters=bool(items.below("meter")),
        credits=any(customer.below("credits", name) for name in ("balances", "grants", "asOf")),
    )
