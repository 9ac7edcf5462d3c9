"""`createEventEndpoint`, `disableEventEndpoint`, `redeliverEvents` and the `eventEndpoints` query (API keys
only): where the product receives the audit trail's changes as signed Standard Webhooks requests."""

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.mutations import event_endpoints
from resolvers.ports import EventDelivery as EventDeliveryRecord
from resolvers.ports import EventDeliveryStatus, RegisteredEventEndpoint
from resolvers.ports import EventEndpoint as EventEndpointRecord
from schema.context import Info
from schema.enum_types import graphql_enum
from schema.fields import field
from schema.user_errors import UserError, user_errors

graphql_enum(
    EventDeliveryStatus,
    description="Where an event's delivery to an endpoint stands.",
    values={
        EventDeliveryStatus.PENDING: "Not delivered yet; another attempt is due.",
        EventDeliveryStatus.DELIVERED: "The endpoint answered 2xx.",
        EventDeliveryStatus.FAILED: "Every attempt failed; `redeliverEvents` tries again.",
    },
)


@strawberry.type(description="One event owed to an endpoint, and how its attempts went.")
class EventDelivery:
    record: strawberry.Private[EventDeliveryRecord]

    @field("The audit event delivered; its `webhook-id` is `pqevt_<id>`.")
    def audit_event_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.audit_event_id))

    @field("The event's type: the audit event's action, such as `subscription.cancel`.")
    def event_type(self) -> str:
        return self.record.event_type

    @field("Where the delivery stands.")
    def status(self) -> EventDeliveryStatus:
        return self.record.status

    @field("How many attempts were made.")
    def attempts(self) -> int:
        return self.record.attempts

    @field("The HTTP status of the endpoint's last answer; null if it never answered.")
    def last_http_status(self) -> int | None:
        return self.record.last_status

    @field("Why the last attempt failed; null if it did not.")
    def last_error(self) -> str | None:
        return self.record.last_error

    @field("When the next attempt is due; null when none is.")
    def next_attempt_at(self) -> datetime | None:
        return self.record.next_attempt_at

    @field("When the endpoint accepted it.")
    def delivered_at(self) -> datetime | None:
        return self.record.delivered_at


@strawberry.type(description="Where the product receives this service's events.")
class EventEndpoint:
    record: strawberry.Private[EventEndpointRecord]

    @field("The endpoint's id (`pqwe_…`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @field("The URL events are posted to.")
    def url(self) -> str:
        return self.record.url

    @field("What the endpoint is for.")
    def description(self) -> str | None:
        return self.record.description

    @field("The event types delivered; empty: every one.")
    def event_types(self) -> list[str]:
        return list(self.record.event_types)

    @field("When it was registered.")
    def created_at(self) -> datetime:
        return self.record.created_at

    @field("When it was disabled; null while it receives events.")
    def disabled_at(self) -> datetime | None:
        return self.record.disabled_at

    @field("Its latest deliveries, newest event first.")
    async def deliveries(
        self,
        info: Info,
        last: Annotated[int, strawberry.argument(description="How many, 1 to 50.")] = 20,
    ) -> list[EventDelivery]:
        found = await event_endpoints.endpoint_deliveries(
            info.context.request_context, self.record.id, limit=last
        )
        return [EventDelivery(record=record) for record in found]


async def resolve_event_endpoints(info: Info) -> list[EventEndpoint]:
    found = await event_endpoints.event_endpoints(info.context.request_context)
    return [EventEndpoint(record=record) for record in found]


@strawberry.input(description="An endpoint to receive events.")
class CreateEventEndpointInput:
    url: str = strawberry.field(description="An https URL (http only to localhost), at most 2048 characters.")
    event_types: list[str] | None = strawberry.field(
        default=None,
        description="The event types to deliver, such as `subscription.cancel` (at most 50); null or empty: "
        "every one.",
    )
    description: str | None = strawberry.field(default=None, description="What it is for; one line.")


@strawberry.type(description="The result of `createEventEndpoint`.")
class CreateEventEndpointPayload:
    registered: strawberry.Private[RegisteredEventEndpoint | None]
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")

    @field("The endpoint; null when refused.")
    def event_endpoint(self) -> EventEndpoint | None:
        return None if self.registered is None else EventEndpoint(record=self.registered.endpoint)

    @field(
        "The secret (`whsec_…`) that verifies the endpoint's requests, per the Standard Webhooks "
        "specification."
    )
    def secret(self) -> str | None:
        return None if self.registered is None else self.registered.secret


async def create_event_endpoint(
    info: Info,
    input: Annotated[CreateEventEndpointInput, strawberry.argument(description="The endpoint.")],
) -> CreateEventEndpointPayload:
    outcome = await event_endpoints.create_event_endpoint(
        info.context.request_context,
        url=input.url,
        description=input.description,
        event_types=input.event_types or [],
    )
    return CreateEventEndpointPayload(registered=outcome.value, user_errors=user_errors(outcome.errors))


@strawberry.input(description="The endpoint to disable.")
class DisableEventEndpointInput:
    endpoint_id: strawberry.ID = strawberry.field(description="The endpoint (`pqwe_…`).")


@strawberry.type(description="The result of `disableEventEndpoint`.")
class DisableEventEndpointPayload:
    record: strawberry.Private[EventEndpointRecord | None]
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")

    @field("The endpoint, disabled; null when refused.")
    def event_endpoint(self) -> EventEndpoint | None:
        return None if self.record is None else EventEndpoint(record=self.record)


async def disable_event_endpoint(
    info: Info,
    input: Annotated[DisableEventEndpointInput, strawberry.argument(description="The endpoint.")],
) -> DisableEventEndpointPayload:
    outcome = await event_endpoints.disable_event_endpoint(
        info.context.request_context, endpoint_id=input.endpoint_id
    )
    return DisableEventEndpointPayload(record=outcome.value, user_errors=user_errors(outcome.errors))


@strawberry.input(description="An endpoint's events to deliver again.")
class RedeliverEventsInput:
    endpoint_id: strawberry.ID = strawberry.field(description="The endpoint (`pqwe_…`).")
    since: datetime = strawberry.field(description="Events since this instant (within the last 90 days).")
    only_failed: bool = strawberry.field(
        default=True, description="Only deliveries given up on; false: delivered ones too."
    )


@strawberry.type(description="The result of `redeliverEvents`.")
class RedeliverEventsPayload:
    scheduled: int = strawberry.field(description="How many deliveries are due again now.")
    has_more: bool = strawberry.field(
        description="Whether more were left (at most 1000 a call): call again with the same input."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def redeliver_events(
    info: Info,
    input: Annotated[RedeliverEventsInput, strawberry.argument(description="What to deliver again.")],
) -> RedeliverEventsPayload:
    outcome = await event_endpoints.redeliver_events(
        info.context.request_context,
        endpoint_id=input.endpoint_id,
        since=input.since,
        only_failed=input.only_failed,
    )
    scheduled, has_more = outcome.value or (0, False)
    return RedeliverEventsPayload(
        scheduled=scheduled, has_more=has_more, user_errors=user_errors(outcome.errors)
    )
