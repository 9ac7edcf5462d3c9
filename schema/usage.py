"""Usage: meters, a metered item's usage this period, and usage timelines for charts."""

from datetime import datetime

import strawberry

from resolvers.usage import ItemUsage
from schema.enums import MeterFormula, UsageWindow
from schema.fields import field
from schema.money import Money, money
from schema.scalars import instant, maybe_instant
from stripe_gateway import records


@strawberry.type(description="What a metered price counts: a meter, fed by the usage the product reports.")
class Meter:
    record: strawberry.Private[records.Meter]

    @field("The meter's Stripe id (`mtr_…`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @field("The meter's name, as the merchant set it (such as `API calls`).")
    def display_name(self) -> str:
        return self.record.display_name

    @field("The event name usage is reported under.")
    def event_name(self) -> str:
        return self.record.event_name

    @field("How the meter adds up the usage reported in a window.")
    def aggregation(self) -> MeterFormula:
        return self.record.formula


@strawberry.type(
    description="A metered item's usage of the current period so far, and what it costs if usage stopped "
    "now, as the upcoming invoice prices it (tiers included). Usage reports send no webhook, so this is at "
    "most a minute old (`asOf`)."
)
class PeriodUsage:
    record: strawberry.Private[ItemUsage]

    @field("The units used this period so far.")
    def quantity(self) -> int:
        return self.record.quantity

    @field("What they cost, before credit, by the price's units or tiers.")
    def charge(self) -> Money:
        return money(self.record.amount, self.record.currency)

    @field("The start of the period.")
    def period_start(self) -> datetime:
        return instant(self.record.period_start)

    @field("The end of the period, when its usage is invoiced.")
    def period_end(self) -> datetime:
        return instant(self.record.period_end)

    @field("When Stripe computed it; null if unknown.")
    def as_of(self) -> datetime | None:
        return maybe_instant(self.record.as_of)


@strawberry.type(description="The usage of one step (an hour or a day) of a timeline.")
class UsagePoint:
    start: datetime = strawberry.field(description="The step's start (inclusive).")
    end: datetime = strawberry.field(description="The step's end (exclusive).")
    value: float = strawberry.field(description="The meter's aggregate of the usage reported in the step.")


@strawberry.type(
    description="A customer's usage of one meter, step by step, oldest first. Usage reports send no webhook: "
    "a timeline is kept at most a minute, and `asOf` says when Stripe computed it."
)
class UsageTimeline:
    record: strawberry.Private[records.UsageSeries]
    granularity: UsageWindow = strawberry.field(description="The width of each step.")

    @field("The meter's Stripe id.")
    def meter_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.meter_id)

    @field("The steps, oldest first, one per hour or day of the range (empty ones included).")
    def points(self) -> list[UsagePoint]:
        return [
            UsagePoint(start=instant(window.start), end=instant(window.end), value=window.value)
            for window in self.record.windows
        ]

    @field("The sum of the steps' values.")
    def total(self) -> float:
        return self.record.total

    @field("When Stripe computed it.")
    def as_of(self) -> datetime:
        return instant(self.record.as_of)
