"""`previewPause`, `pauseSubscription` and `resumeSubscription`."""

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.mutations import pausing
from schema.context import Info
from schema.fields import field
from schema.money import Money, money
from schema.mutations.cancellation import SubscriptionPayload, subscription_payload
from schema.pausing import PauseDurationInput, duration_record
from schema.scalars import maybe_instant
from schema.subscriptions import Subscription
from schema.user_errors import UserError, user_errors

_SUBSCRIPTION_ID = "The subscription (`sub_…`)."
_DURATION = (
    "How long to pause; null pauses until resumed by hand. A customer session may choose only the lengths "
    "the portal configuration offers (`Subscription.actions.pause`)."
)


@strawberry.input(description="A pause to preview.")
class PreviewPauseInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION_ID)
    duration: PauseDurationInput | None = strawberry.field(default=None, description=_DURATION)


@strawberry.type(description="What pausing for a length would mean, before the customer confirms.")
class PausePreview:
    record: strawberry.Private[pausing.PausePreview]

    @field("The subscription, as it is now.")
    def subscription(self) -> Subscription:
        return Subscription.of(self.record.subscription)

    @field("When payments would resume by themselves; null for a pause until resumed by hand.")
    def resumes_at(self) -> datetime | None:
        return maybe_instant(self.record.resumes_at)

    @field("When the first charge after the pause would be made: the first renewal once it resumes.")
    def next_charge_at(self) -> datetime | None:
        return maybe_instant(self.record.next_charge_at)

    @field("What each renewal charges once payments resume; null when nothing more will be invoiced.")
    def renewal_charge(self) -> Money | None:
        renewal = self.record.renewal
        return None if renewal is None else money(renewal.total, renewal.currency)


@strawberry.type(description="The result of `previewPause`.")
class PreviewPausePayload:
    preview: PausePreview | None = strawberry.field(description="The preview; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def preview_pause(
    info: Info, input: Annotated[PreviewPauseInput, strawberry.argument(description="The pause.")]
) -> PreviewPausePayload:
    outcome = await pausing.preview_pause(
        info.context.request_context,
        subscription_id=input.subscription_id,
        duration=duration_record(input.duration),
    )
    return PreviewPausePayload(
        preview=None if outcome.value is None else PausePreview(record=outcome.value),
        user_errors=user_errors(outcome.errors),
    )


@strawberry.input(description="A subscription whose payments to pause, and for how long.")
class PauseSubscriptionInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION_ID)
    duration: PauseDurationInput | None = strawberry.field(default=None, description=_DURATION)
    idempotency_key: str | None = strawberry.field(
        default=None, description="Your key for this pause: a retry with it never pauses twice."
    )


async def pause_subscription(
    info: Info, input: Annotated[PauseSubscriptionInput, strawberry.argument(description="The pause.")]
) -> SubscriptionPayload:
    return subscription_payload(
        await pausing.pause_subscription(
            info.context.request_context,
            subscription_id=input.subscription_id,
            duration=duration_record(input.duration),
            idempotency_key=input.idempotency_key,
        )
    )


@strawberry.input(description="A subscription whose paused payments to resume now.")
class ResumeSubscriptionInput:
    subscription_id: strawberry.ID = strawberry.field(description=_SUBSCRIPTION_ID)


async def resume_subscription(
    info: Info,
    input: Annotated[ResumeSubscriptionInput, strawberry.argument(description="The subscription to resume.")],
) -> SubscriptionPayload:
    return subscription_payload(
        await pausing.resume_subscription(info.context.request_context, subscription_id=input.subscription_id)
    )
