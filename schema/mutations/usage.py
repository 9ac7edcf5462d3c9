"""`recordUsage` (API keys only)."""

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.mutations import usage_reports
from schema.context import Info
from schema.fields import field
from schema.scalars import instant
from schema.user_errors import UserError, user_errors
from stripe_gateway import records


@strawberry.input(description="Usage of one meter by one customer, to bill on its metered prices.")
class RecordUsageInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer who used it (`cus_…`).")
    meter_id: strawberry.ID = strawberry.field(description="The meter that counts it (`mtr_…`).")
    value: float = strawberry.field(
        description="How much was used (0 to 1e12); a COUNT meter counts the report, whatever its value."
    )
    identifier: str = strawberry.field(
        description="Your unique id for this report (1 to 100 letters, digits or `_.:-`): a retry with it "
        "never counts twice; reusing it for another report is refused."
    )
    timestamp: datetime | None = strawberry.field(
        default=None, description="When it was used: up to 35 days back and 5 minutes ahead; now if null."
    )


@strawberry.type(description="A usage report as Stripe holds it.")
class UsageEvent:
    record: strawberry.Private[records.MeterEvent]
    meter_id: strawberry.ID = strawberry.field(description="The meter that counts it.")

    @field("Your identifier of the report.")
    def identifier(self) -> str:
        return self.record.identifier

    @field("The customer it counts for.")
    def customer_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.customer_id)

    @field("How much was used.")
    def value(self) -> float:
        return self.record.value

    @field("When it was used.")
    def timestamp(self) -> datetime:
        return instant(self.record.timestamp)

    @field(
        "True when a report with this identifier was already recorded (a retry): it was not counted again."
    )
    def already_recorded(self) -> bool:
        return self.record.already_recorded


@strawberry.type(description="The result of `recordUsage`.")
class RecordUsagePayload:
    usage_event: UsageEvent | None = strawberry.field(description="The report; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def record_usage(
    info: Info, input: Annotated[RecordUsageInput, strawberry.argument(description="The usage.")]
) -> RecordUsagePayload:
    outcome = await usage_reports.record_usage(
        info.context.request_context,
        usage_reports.UsageReport(
            customer_id=input.customer_id,
            meter_id=input.meter_id,
            value=input.value,
            identifier=input.identifier,
            timestamp=None if input.timestamp is None else int(input.timestamp.timestamp()),
        ),
    )
    return RecordUsagePayload(
        usage_event=None
        if outcome.value is None
        else UsageEvent(record=outcome.value, meter_id=input.meter_id),
        user_errors=user_errors(outcome.errors),
    )
