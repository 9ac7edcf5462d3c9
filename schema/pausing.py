"""Pausing a subscription's payments: the lengths offered, a paused subscription's state, and whether the
portal lets the customer pause or resume now."""

from datetime import datetime

import strawberry

from resolvers.mutations.pausing import renewal_charge
from schema.context import Info
from schema.enums import Interval
from schema.fields import field
from schema.money import Money, money
from schema.scalars import maybe_instant
from stripe_gateway import records


@strawberry.type(description="A length of pause: `intervalCount` days, weeks, months or years.")
class PauseDuration:
    interval: Interval = strawberry.field(description="The unit.")
    interval_count: int = strawberry.field(description="How many of the unit.")

    @classmethod
    def of(cls, record: records.PauseDuration) -> "PauseDuration":
        return cls(interval=record.interval, interval_count=record.interval_count)


@strawberry.input(
    description="A length of pause: `intervalCount` days, weeks, months or years (three at most)."
)
class PauseDurationInput:
    interval: Interval = strawberry.field(description="The unit.")
    interval_count: int = strawberry.field(default=1, description="How many of the unit; 1 to three years.")

    def to_record(self) -> records.PauseDuration:
        return records.PauseDuration(self.interval, self.interval_count)


def duration_record(given: PauseDurationInput | None) -> records.PauseDuration | None:
    return None if given is None else given.to_record()


@strawberry.type(description="Pausing payments, as the portal configuration allows it.")
class SubscriptionPauseFeature:
    enabled: bool = strawberry.field(description="Whether customers may pause their subscriptions' payments.")
    indefinite: bool = strawberry.field(description="Whether they may pause until they resume by hand.")
    durations: list[PauseDuration] = strawberry.field(description="The preset lengths they may choose from.")

    @classmethod
    def of(cls, features: records.PortalFeatures) -> "SubscriptionPauseFeature":
        return cls(
            enabled=features.subscription_pause_enabled,
            indefinite=features.subscription_pause_indefinite,
            durations=[PauseDuration.of(each) for each in features.subscription_pause_durations],
        )


@strawberry.type(
    description="A subscription whose payments are paused: it renews on its cycle, its invoices are voided "
    "(nothing is charged), and payments resume by themselves at `resumesAt`."
)
class SubscriptionPause:
    record: strawberry.Private[records.Subscription]

    @field("When the payments were paused through this API; null when paused elsewhere.")
    def since(self) -> datetime | None:
        return maybe_instant(self.record.paused_since)

    @field("When payments resume by themselves; null when paused until resumed by hand.")
    def resumes_at(self) -> datetime | None:
        pause = self.record.pause_collection
        return None if pause is None else maybe_instant(pause.resumes_at)

    @field(
        "What each renewal charges once payments resume (the preview of the next invoice, read with the "
        "dashboard's); null when nothing more will be invoiced. Needs the `invoices:read` scope."
    )
    async def renewal_charge(self, info: Info) -> Money | None:
        renewal = await renewal_charge(info.context.request_context, self.record)
        return None if renewal is None else money(renewal.total, renewal.currency)
