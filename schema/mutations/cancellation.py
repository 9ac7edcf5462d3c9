"""`cancelSubscription` and `reactivateSubscription`."""

from typing import Annotated

import strawberry

from resolvers.mutations import cancellation
from resolvers.mutations.outcome import Outcome
from schema.context import Info
from schema.enums import CancellationFeedback, CancelMode
from schema.subscriptions import Subscription
from schema.user_errors import UserError, user_errors
from stripe_gateway import records

_SUBSCRIPTION_ID = "The subscription (`sub_…`)."


@strawberry.input(description="A subscription to cancel, when, and why.")
class CancelSubscriptionInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION_ID)
    mode: CancelMode | None = strawberry.field(
        default=None,
        description="When the cancellation takes effect; null means the portal configuration's mode. A "
        "customer session may use only that mode.",
    )
    reason: CancellationFeedback | None = strawberry.field(
        default=None,
        description="Why the customer cancels; a customer session may give only the reasons the portal "
        "configuration offers.",
    )
    comment: str | None = strawberry.field(default=None, description="The customer's own words about why.")


@strawberry.type(
    description="The result of a mutation that changes a subscription: cancelling, reactivating, pausing, "
    "resuming, accepting a retention offer."
)
class SubscriptionPayload:
    subscription: Subscription | None = strawberry.field(
        description="The subscription as it is now; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


def subscription_payload(outcome: Outcome[records.Subscription]) -> SubscriptionPayload:
    return SubscriptionPayload(
        subscription=None if outcome.value is None else Subscription.of(outcome.value),
        user_errors=user_errors(outcome.errors),
    )


async def cancel_subscription(
    info: Info,
    input: Annotated[CancelSubscriptionInput, strawberry.argument(description="The cancellation.")],
) -> SubscriptionPayload:
    return subscription_payload(
        await cancellation.cancel_subscription(
            info.context.request_context,
            subscription_id=input.subscription_id,
            mode=input.mode,
            reason=input.reason,
            comment=input.comment,
        )
    )


@strawberry.input(description="A subscription whose scheduled cancellation to take back.")
class ReactivateSubscriptionInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION_ID)


async def reactivate_subscription(
    info: Info,
    input: Annotated[
        ReactivateSubscriptionInput, strawberry.argument(description="The subscription to keep.")
    ],
) -> SubscriptionPayload:
    return subscription_payload(
        await cancellation.reactivate_subscription(
            info.context.request_context, subscription_id=input.subscription_id
        )
    )
