"""The audit trail: `AuditEvent`s, newest first, as a connection with opaque cursors."""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from resolvers.audit_trail import audit_events
from resolvers.ports import AuditRecord, AuditRecordPage, AuditSource, PrincipalType
from schema.context import Info
from schema.enum_types import graphql_enum
from schema.fields import field
from schema.pagination import Connection, Edge, PageInfo

graphql_enum(
    PrincipalType,
    name="AuditPrincipalType",
    description="Who made a change.",
    values={
        PrincipalType.API_KEY: "The product's backend, with an API key.",
        PrincipalType.CUSTOMER_SESSION: "The customer, in a session.",
        PrincipalType.STRIPE: "Stripe, as told by a webhook.",
    },
)
graphql_enum(
    AuditSource,
    description="Where a change was made.",
    values={
        AuditSource.PORTALQL: "Through this API.",
        AuditSource.EXTERNAL: "Elsewhere (Stripe's dashboard or hosted portal), learnt from a webhook.",
    },
)


@strawberry.type(
    description="One change to a customer's billing: who, what, on which object, before and after."
)
class AuditEvent:
    record: strawberry.Private[AuditRecord]

    @field("The event's id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @field("When the change was made.")
    def occurred_at(self) -> datetime:
        return self.record.occurred_at

    @field("Who made it.")
    def principal_type(self) -> PrincipalType:
        return self.record.principal_type

    @field("The id of the API key or customer session that made it; null for customer sessions to read.")
    def principal_id(self) -> str | None:
        return self.record.principal_id

    @field("The customer whose billing changed; null for changes to no one customer.")
    def customer_id(self) -> strawberry.ID | None:
        return None if self.record.customer_id is None else strawberry.ID(self.record.customer_id)

    @field("What was done, such as `subscription.cancel` or `payment.refund`.")
    def action(self) -> str:
        return self.record.action

    @field("The kind of object changed, such as `subscription` or `refund`.")
    def object_type(self) -> str:
        return self.record.object_type

    @field("The id of the object changed.")
    def object_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.object_id)

    @field("What the change touched, as it was before; null when the object is new.")
    def before(self) -> JSON | None:
        return None if self.record.before is None else JSON(dict(self.record.before))

    @field("What the change touched, as it is after.")
    def after(self) -> JSON | None:
        return None if self.record.after is None else JSON(dict(self.record.after))

    @field("The id of the request that made the change (its `X-Request-Id`).")
    def request_id(self) -> str | None:
        return self.record.request_id

    @field("The IP address the request came from; null for customer sessions to read.")
    def client_ip(self) -> str | None:
        return self.record.client_ip

    @field("Where the change was made.")
    def source(self) -> AuditSource:
        return self.record.source


AuditEventConnection = Connection[AuditEvent]


def _connection(page: AuditRecordPage, after: str | None) -> AuditEventConnection:
    records = page.records
    return AuditEventConnection(
        edges=[Edge(cursor=record.cursor, node=AuditEvent(record=record)) for record in records],
        page_info=PageInfo(
            has_next_page=page.has_more,
            has_previous_page=after is not None,
            start_cursor=records[0].cursor if records else None,
            end_cursor=records[-1].cursor if records else None,
        ),
    )


async def resolve_audit_events(
    info: Info,
    first: Annotated[
        int | None, strawberry.argument(description="At most this many events (1 to 100; 20 by default).")
    ] = None,
    after: Annotated[str | None, strawberry.argument(description="Events older than this cursor.")] = None,
    customer_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(
            description="Only this customer's events. An API key sees every customer's without it; a "
            "customer session always sees only its own."
        ),
    ] = None,
) -> AuditEventConnection:
    page = await audit_events(info.context.request_context, first=first, after=after, customer_id=customer_id)
    return _connection(page, after)
