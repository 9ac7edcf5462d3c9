"""Mapping the product's own id for a customer to its Stripe customer (API keys only).

The database is written first: its unique keys decide, race-free, whether another customer holds the id
(EXTERNAL_ID_TAKEN). The customer's Stripe metadata is then brought in line, so a retry after a Stripe
failure completes it, and a retry of a completed link costs one Stripe read. Relinking a customer to a new
external id frees its old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers import external_ids
from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, UserErrorCode, attempt, reject
from resolvers.mutations.targets import check_id, owned_customer
from resolvers.policy import require_api_key
from resolvers.ports import ExternalIdTaken
from stripe_gateway.ids import IdKind
from stripe_gateway.records import CustomerUpdate

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import Customer


@dataclass(frozen=True, slots=True)
class LinkedCustomer:
    customer: Customer
    external_id: str


async def _link(ctx: RequestContext, customer_id: str, external_id: str) -> LinkedCustomer:
    principal = require_api_key(ctx)
    check_id(IdKind.CUSTOMER, customer_id, "customer_id")
    external_ids.check(external_id, "external_customer_id")
    customer = await owned_customer(ctx, principal, customer_id, "customer_id")
    try:
        link = await writes.stores(ctx).external_ids.link(external_id, customer_id)
    except ExternalIdTaken as taken:
        raise reject(
            UserErrorCode.EXTERNAL_ID_TAKEN,
            f"The external id '{external_id}' is mapped to another customer.",
            "external_customer_id",
        ) from taken
    if link.changed:
        await writes.audit(
            ctx,
            principal,
            action="customer.link_external_id",
            object_type="customer",
            object_id=customer_id,
            customer_id=customer_id,
            before={"externalId": link.previous},
            after={"externalId": external_id},
        )
    if customer.metadata.get(external_ids.METADATA_KEY) != external_id:
        key = writes.idempotency_key(ctx, principal, None, "link_external_id", customer_id, external_id)
        customer = await ctx.gateway.update_customer(
            customer_id,
            CustomerUpdate(metadata={external_ids.METADATA_KEY: external_id}),
            idempotency_key=key,
        )
        ctx.forget_reads()
    return LinkedCustomer(customer, external_id)


async def link_external_customer_id(
    ctx: RequestContext, *, customer_id: str, external_id: str
) -> Outcome[LinkedCustomer]:
    return await attempt(_link(ctx, customer_id, external_id))
