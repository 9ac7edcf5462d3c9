"""The `Live` root: what a client is told as a customer's billing changes, over graphql-transport-ws."""

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime
from typing import Annotated, Self

import strawberry

from resolvers import live
from resolvers.live import BillingTopic
from schema.context import Info
from schema.enum_types import graphql_enum
from schema.fields import subscription

graphql_enum(
    BillingTopic,
    description="A part of a customer's billing that a change made stale: read it again.",
    values={
        BillingTopic.SUBSCRIPTIONS: "Subscriptions: plans, quantities, status, cancellation or pause.",
        BillingTopic.INVOICES: "Invoices, the upcoming invoice and payments: paid, failed, refunded, new.",
        BillingTopic.PAYMENT_METHODS: "Saved payment methods and which one is the default.",
        BillingTopic.CREDITS: "Credit grants and the credit balance.",
        BillingTopic.USAGE: "Usage recorded on metered prices.",
        BillingTopic.DETAILS: "The customer's details: name, email, addresses, tax IDs.",
    },
)


@strawberry.type(description="A change of one customer's billing: which parts to read again, not their data.")
class BillingChange:
    customer_id: strawberry.ID = strawberry.field(description="The customer whose billing changed.")
    topics: list[BillingTopic] = strawberry.field(
        description="The parts that changed, limited to those the caller may read; never empty."
    )
    occurred_at: datetime = strawberry.field(
        description="When the change was seen; several changes close together may arrive as one."
    )

    @classmethod
    def of(cls, change: live.BillingChange) -> Self:
        return cls(
            customer_id=strawberry.ID(change.customer_id),
            topics=sorted(change.topics, key=list(BillingTopic).index),
            occurred_at=change.occurred_at,
        )


@strawberry.type(
    description=(
        "Subscriptions, over the graphql-transport-ws protocol at the GraphQL endpoint: send the credential "
        "in `connection_init`'s payload as `authorization: \"Bearer <token>\"` (the hosted portal's cookie "
        "serves on its own origin)."
    )
)
class Live:
    @subscription(
        "Told within a second of every change of the customer's billing, made anywhere: through this "
        "API, in Stripe's dashboard, or by billing itself (a renewal, a failed payment), on any "
        "instance. "
        "A customer session watches its own customer (another id is NOT_FOUND) and hears of the topics "
        "its scopes let it read; an API key names the customer. Ends when the session expires."
    )
    def billing_changed(
        self,
        info: Info,
        customer_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The customer to watch; a session's own by default."),
        ] = None,
    ) -> AsyncGenerator[BillingChange]:
        return _each(live.billing_changes(info.context.request_context, customer_id))


async def _each(changes: AsyncGenerator[live.BillingChange]) -> AsyncGenerator[BillingChange]:
    # Closed with the subscription, so that the watch ends at once rather than when collected.
    async with aclosing(changes):
        async for change in changes:
            yield BillingChange.of(change)
