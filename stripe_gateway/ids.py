"""What a Stripe id tells about its object, so that no code outside the gateway reads Stripe's id prefixes.

An id becomes part of a URL (`/v1/subscriptions/<id>`) or a list filter, so the gateway checks its shape
before any call: `"."`, `""` or `"../customers"` would otherwise reach another endpoint (or a list) instead
of answering "no such object". Stripe's ids are letters, digits and underscores after a prefix that names
the object's type; products and prices may also have the custom ids a merchant chose (prices created
through the older Plans API keep the plan's id), which add `-`. A malformed id is reported as Stripe
reports an unknown one, `NotFound`, without asking Stripe.
"""

from __future__ import annotations

import re
from enum import Enum

from stripe_gateway.errors import NotFound

# Stripe's documented maximum length of an object id.
MAX_ID_LENGTH = 255
_GENERATED = re.compile(r"[A-Za-z0-9_]+")
_CUSTOM = re.compile(r"[A-Za-z0-9_-]+")


class IdKind(Enum):
    """The objects portalql names by id, each with the prefixes of its ids (its own first)."""

    CUSTOMER = ("customer", ("cus_",))
    SUBSCRIPTION = ("subscription", ("sub_",))
    INVOICE = ("invoice", ("in_",))
    # Cards and sources saved before PaymentMethods existed keep their ids, and Stripe lists them as such.
    PAYMENT_METHOD = ("payment method", ("pm_", "card_", "src_"))
    PRICE = ("price", ("price_",))
    PRODUCT = ("product", ("prod_",))
    # Payments by other means than cards (bank debits) are charges `py_…`, their refunds `pyr_…`.
    CHARGE = ("charge", ("ch_", "py_"))
    PAYMENT_INTENT = ("payment intent", ("pi_",))
    REFUND = ("refund", ("re_", "pyr_"))
    PORTAL_CONFIGURATION = ("portal configuration", ("bpc_",))
    SETUP_INTENT = ("setup intent", ("seti_",))
    TAX_ID = ("tax id", ("txi_",))
    METER = ("meter", ("mtr_",))

    def __init__(self, noun: str, prefixes: tuple[str, ...]) -> None:
        self.noun = noun
        self.prefixes = prefixes

    @property
    def prefix(self) -> str:
        """The prefix of the ids Stripe generates for this kind today."""
        return self.prefixes[0]

    @property
    def custom_ids(self) -> bool:
        """Whether a merchant may have chosen the ids of this kind."""
        return self in _CUSTOM_ID_KINDS


_CUSTOM_ID_KINDS = frozenset({IdKind.PRODUCT, IdKind.PRICE})


def is_well_formed(kind: IdKind, object_id: str) -> bool:
    """Whether `object_id` has the shape of an id of `kind` (not whether such an object exists)."""
    if not 0 < len(object_id) <= MAX_ID_LENGTH:
        return False
    if kind.custom_ids:
        return _CUSTOM.fullmatch(object_id) is not None
    return any(
        object_id.startswith(prefix) and _GENERATED.fullmatch(object_id, len(prefix)) is not None
        for prefix in kind.prefixes
    )


def check(kind: IdKind, *object_ids: str | None) -> None:
    """Raise `NotFound`, as Stripe answers an unknown id, unless each id given has the shape of `kind`."""
    for object_id in object_ids:
        if object_id is not None and not is_well_formed(kind, object_id):
            raise NotFound(
                f"No such {kind.noun}: {_shown(object_id)} (not a {kind.noun} id)",
                code="resource_missing",
                param="id",
            )


def kind_of(object_id: str) -> IdKind | None:
    """The kind whose own prefix the id starts with (`node(id:)` routes by it); None for any other id."""
    return next((kind for kind in IdKind if object_id.startswith(kind.prefix)), None)


def is_charge_id(payment_id: str) -> bool:
    """Whether a payment's id names a charge (`ch_…`, `py_…`) rather than a payment intent (`pi_…`)."""
    return payment_id.startswith(IdKind.CHARGE.prefixes)


def _shown(object_id: str) -> str:
    """The id as a log line may carry it: quoted, and cut short when it is too long to be one."""
    return repr(object_id if len(object_id) <= 64 else object_id[:64] + "…")
