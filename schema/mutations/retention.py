"""`createRetentionOffer`, `archiveRetentionOffer`, `startCancellation` and `acceptRetentionOffer`."""

from typing import Annotated

import strawberry

from resolvers.mutations import retention, retention_offers
from resolvers.ports import OfferKind, OfferScope
from schema.context import Info
from schema.enums import CancellationFeedback
from schema.mutations.cancellation import SubscriptionPayload, subscription_payload
from schema.pausing import PauseDurationInput, duration_record
from schema.retention import RetentionOffer
from schema.subscriptions import Subscription
from schema.user_errors import UserError, user_errors
from stripe_gateway.records import CouponDuration

_SUBSCRIPTION_ID = "The subscription (`sub_…`)."


@strawberry.input(description="A retention offer to make; give the terms of its kind only.")
class CreateRetentionOfferInput:
    name: str = strawberry.field(description="What the customer sees, such as `50% off for 3 months`.")
    kind: OfferKind = strawberry.field(description="What it gives.")
    percent_off: float | None = strawberry.field(default=None, description="A coupon's percentage off.")
    amount_off: int | None = strawberry.field(
        default=None, description="A coupon's amount off each invoice, in `currency`'s smallest unit."
    )
    currency: str | None = strawberry.field(default=None, description="The currency of `amountOff`.")
    duration: CouponDuration | None = strawberry.field(default=None, description="How long a coupon lasts.")
    duration_in_months: int | None = strawberry.field(
        default=None, description="For a repeating coupon: how many months (1 to 36)."
    )
    pause: PauseDurationInput | None = strawberry.field(default=None, description="A pause offer's length.")
    price_id: strawberry.ID | None = strawberry.field(
        default=None, description="A price switch offer's price (`price_…`), cheaper than the customer's."
    )
    reasons: list[CancellationFeedback] = strawberry.field(
        default_factory=list, description="The cancellation reasons it answers; empty for any (20 at most)."
    )
    product_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="The products (`prod_…`) whose subscriptions it is for; empty for any (20 at most).",
    )
    configuration_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="The portal configurations (`bpc_…`) it is offered under; empty for any (20 at most).",
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Your key for this offer: a retry with it makes one Stripe coupon."
    )

    def request(self) -> retention_offers.OfferRequest:
        return retention_offers.OfferRequest(
            name=self.name,
            kind=self.kind,
            scope=OfferScope(
                reasons=tuple(self.reasons),
                product_ids=tuple(self.product_ids),
                configuration_ids=tuple(self.configuration_ids),
            ),
            percent_off=self.percent_off,
            amount_off=self.amount_off,
            currency=self.currency,
            duration=self.duration,
            duration_in_months=self.duration_in_months,
            pause=duration_record(self.pause),
            price_id=self.price_id,
        )


@strawberry.type(description="The result of `createRetentionOffer` and `archiveRetentionOffer`.")
class RetentionOfferPayload:
    offer: RetentionOffer | None = strawberry.field(description="The offer; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def create_retention_offer(
    info: Info, input: Annotated[CreateRetentionOfferInput, strawberry.argument(description="The offer.")]
) -> RetentionOfferPayload:
    outcome = await retention_offers.create_retention_offer(
        info.context.request_context, input.request(), idempotency_key=input.idempotency_key
    )
    return RetentionOfferPayload(
        offer=None if outcome.value is None else RetentionOffer(record=outcome.value),
        user_errors=user_errors(outcome.errors),
    )


@strawberry.input(description="A retention offer to stop offering.")
class ArchiveRetentionOfferInput:
    offer_id: strawberry.ID = strawberry.field(description="The offer (`pqro_…`).")


async def archive_retention_offer(
    info: Info, input: Annotated[ArchiveRetentionOfferInput, strawberry.argument(description="The offer.")]
) -> RetentionOfferPayload:
    outcome = await retention_offers.archive_retention_offer(
        info.context.request_context, offer_id=input.offer_id
    )
    return RetentionOfferPayload(
        offer=None if outcome.value is None else RetentionOffer(record=outcome.value),
        user_errors=user_errors(outcome.errors),
    )


@strawberry.input(description="A customer starting to cancel, and why.")
class StartCancellationInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION_ID)
    reason: CancellationFeedback | None = strawberry.field(
        default=None,
        description="Why the customer cancels; a customer session may give only the reasons the portal "
        "configuration offers.",
    )


@strawberry.type(description="The result of `startCancellation`.")
class StartCancellationPayload:
    subscription: Subscription | None = strawberry.field(description="The subscription; null when refused.")
    offer: RetentionOffer | None = strawberry.field(
        description="The offer to show before cancelling (`acceptRetentionOffer`); null: go on to "
        "`cancelSubscription`."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def start_cancellation(
    info: Info,
    input: Annotated[StartCancellationInput, strawberry.argument(description="The cancellation to start.")],
) -> StartCancellationPayload:
    outcome = await retention.start_cancellation(
        info.context.request_context, subscription_id=input.subscription_id, reason=input.reason
    )
    found = outcome.value
    return StartCancellationPayload(
        subscription=None if found is None else Subscription.of(found.subscription),
        offer=None if found is None or found.offer is None else RetentionOffer(record=found.offer),
        user_errors=user_errors(outcome.errors),
    )


@strawberry.input(description="A retention offer the customer takes instead of cancelling.")
class AcceptRetentionOfferInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION_ID)
    offer_id: strawberry.ID = strawberry.field(description="The offer `startCancellation` showed (`pqro_…`).")


async def accept_retention_offer(
    info: Info,
    input: Annotated[AcceptRetentionOfferInput, strawberry.argument(description="The offer taken.")],
) -> SubscriptionPayload:
    return subscription_payload(
        await retention.accept_retention_offer(
            info.context.request_context, subscription_id=input.subscription_id, offer_id=input.offer_id
        )
    )
