"""The product's own ids for customers (`externalCustomerId`): a user's or a company's id in the product,
mapped to one Stripe customer.

The mapping lives in portalql's database, which answers every lookup (no Stripe search, which is only
eventually consistent), and in the customer's Stripe metadata under `METADATA_KEY`, from which
`portalql external-ids rebuild` restores the database. An id is 1 to 128 characters of letters, digits and
`_ - . : @ / | + =`, starting with a letter or digit: what user ids, UUIDs, emails and URNs need, and nothing
that could be read as another field in logs, URLs or Stripe's search syntax.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from resolvers.errors import InvalidArgumentError, NotFoundError
from resolvers.mutations.outcome import Rejected, UserError, UserErrorCode, reject
from resolvers.policy import authenticated, check_owner
from resolvers.text import excerpt

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from resolvers.ports import ExternalIds

# The customer metadata key that holds the external id on Stripe's side.
METADATA_KEY = "portalql_external_id"
MAX_LENGTH = 128
_FORM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-.:@/|+=]*")
_RULE = f"1 to {MAX_LENGTH} letters, digits and _-.:@/|+=, starting with a letter or digit"


def is_valid(external_id: str) -> bool:
    return len(external_id) <= MAX_LENGTH and _FORM.fullmatch(external_id) is not None


def check(external_id: str, *field: str) -> None:
    """Refuse, as INVALID_INPUT on `field`, an id that breaks the rule."""
    if not is_valid(external_id):
        raise reject(
            UserErrorCode.INVALID_INPUT, f"'{excerpt(external_id)}' is not an external id: {_RULE}.", *field
        )


def _store(ctx: RequestContext) -> ExternalIds:
    if ctx.stores is None:
        raise RuntimeError("this request context has no persistence stores; the app injects them")
    return ctx.stores.external_ids


async def mutation_customer(ctx: RequestContext, customer_id: str | None, external_id: str | None) -> str:
    """The customer a mutation's input names, by `customer_id` or `external_customer_id` (exactly one): an
    external id is looked up in the database alone. Raises Rejected."""
    if external_id is None or customer_id is not None:
        if customer_id is None or external_id is not None:
            raise Rejected(
                UserError(
                    UserErrorCode.INVALID_INPUT, "Give exactly one of customerId and externalCustomerId.", ()
                )
            )
        return customer_id
    check(external_id, "external_customer_id")
    found = await _store(ctx).customer_of(external_id)
    if found is None:
        raise reject(
            UserErrorCode.NOT_FOUND,
            f"No customer has the external id '{excerpt(external_id)}'.",
            "external_customer_id",
        )
    return found


async def query_customer(ctx: RequestContext, customer_id: str | None, external_id: str | None) -> str:
    """The customer a query's arguments name (`id` or `externalId`, exactly one): an unknown external id is
    NOT_FOUND, as an unknown customer id is."""
    if external_id is None or customer_id is not None:
        if customer_id is None or external_id is not None:
            raise InvalidArgumentError("Give exactly one of id and externalId.")
        return customer_id
    if not is_valid(external_id):
        raise InvalidArgumentError(f"'{excerpt(external_id)}' is not an external id: {_RULE}.")
    found = await _store(ctx).customer_of(external_id)
    # Another customer's external id is reported as the unknown one it is to a session, without its id.
    check_owner(authenticated(ctx), external_id, found)
    if found is None:
        raise NotFoundError(external_id)
    return found
