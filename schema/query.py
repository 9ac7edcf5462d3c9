"""The `Query` root: the entry points a client starts from."""

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.analytics import portal_analytics
from resolvers.customers import customer_by_id, customer_with_external_id, list_customers
from resolvers.external_ids import query_customer
from resolvers.nodes import resolve_node
from resolvers.pagination import page_request
from resolvers.policy import authenticated
from resolvers.portal import configuration_in_force, switchable_products
from schema.analytics import PortalAnalytics
from schema.audit import AuditEventConnection, resolve_audit_events
from schema.catalog import Product
from schema.context import Info
from schema.customers import Customer, CustomerConnection, customer_connection
from schema.fields import field
from schema.lookahead import Selection, customer_reads, selects
from schema.mutations.event_endpoints import EventEndpoint, resolve_event_endpoints
from schema.node import Node
from schema.nodes import as_node
from schema.portal import PortalConfiguration
from schema.retention import (
    CancellationReport,
    RetentionOffer,
    resolve_cancellation_report,
    resolve_retention_offers,
)
from schema.viewer import Viewer


@strawberry.type(description="Read the billing state of customers: subscriptions, invoices, payment methods.")
class Query:
    @field("The caller. Fails with UNAUTHENTICATED when no valid credential was sent.")
    def viewer(self, info: Info) -> Viewer:
        return Viewer(principal=authenticated(info.context.request_context))

    @field(
        "A customer by id, or by the product's own id for it: give exactly one. A customer session may read "
        "only its own customer: any other id answers NOT_FOUND, exactly as an id that does not exist. An "
        "external id is looked up in this service's database: it costs no Stripe search."
    )
    async def customer(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID | None, strawberry.argument(description="A customer id (`cus_…`).")
        ] = None,
        external_id: Annotated[
            str | None,
            strawberry.argument(description="The product's own id for the customer (`Customer.externalId`)."),
        ] = None,
    ) -> Customer | None:
        ctx = info.context.request_context
        customer_id = await query_customer(ctx, id, external_id)
        record = await customer_by_id(ctx, customer_id, customer_reads(Selection.of(info)))
        return Customer.of(record)

    @field("All customers, newest first. API keys only: customer sessions get FORBIDDEN.")
    async def customers(
        self,
        info: Info,
        first: Annotated[
            int | None,
            strawberry.argument(
                description="At most this many customers after `after` (1 to 100; 10 by default)."
            ),
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Customers older than this cursor (a customer id).")
        ] = None,
        email: Annotated[
            str | None, strawberry.argument(description="Only customers with exactly this email address.")
        ] = None,
        external_id: Annotated[
            str | None,
            strawberry.argument(
                description="Only the customer with this external id (none or one; with no other filter). "
                "Looked up in this service's database, then read by id: no Stripe search."
            ),
        ] = None,
    ) -> CustomerConnection:
        ctx = info.context.request_context
        reads = customer_reads(Selection.of(info).below("edges", "node"))
        if external_id is not None:
            return customer_connection(
                await customer_with_external_id(ctx, external_id, email=email, after=after, reads=reads)
            )
        page = await list_customers(ctx, page_request(first=first, after=after), email=email, reads=reads)
        return customer_connection(page)

    @field(
        "Any object by its Stripe id (`cus_`, `sub_`, `in_`, `pm_`, `price_`, `prod_`, `ch_`, `pi_`, `re_`), "
        "under the same access rules as the field that would return it: NOT_FOUND for what the caller may "
        "not see."
    )
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="A Stripe object id.")]
    ) -> Node | None:
        record = await resolve_node(
            info.context.request_context, id, with_default_price=selects(info, "defaultPrice")
        )
        return as_node(record)

    @field("The portal configuration in force: the customer session's own, otherwise the account's default.")
    async def portal_configuration(self, info: Info) -> PortalConfiguration:
        return PortalConfiguration(record=await configuration_in_force(info.context.request_context))

    @field(
        "The products the portal lets customers switch plans to (empty when plan changes are off). See "
        "`Subscription.allowedPlanChanges` for what one subscription may switch to."
    )
    async def products(self, info: Info) -> list[Product]:
        found = await switchable_products(
            info.context.request_context, with_default_price=selects(info, "defaultPrice")
        )
        return [Product.of(product) for product in found]

    audit_events: AuditEventConnection = strawberry.field(
        resolver=resolve_audit_events,
        description="The audit trail, newest first: every change made through this API. API keys read every "
        "customer's; a customer session reads its own customer's, with the `audit:read` scope.",
    )
    event_endpoints: list[EventEndpoint] = strawberry.field(
        resolver=resolve_event_endpoints,
        description="Where the product receives this service's events, enabled ones first (API keys only).",
    )

    @field(
        "What customers did through the portal over a period (API keys only): links and sessions, plan "
        "changes up and down, seat changes, cancellations, reactivations, cards added, invoices paid. "
        "Counted in this service's database; costs no Stripe call."
    )
    async def portal_analytics(
        self,
        info: Info,
        since: Annotated[datetime, strawberry.argument(description="The period's start (included).")],
        until: Annotated[
            datetime,
            strawberry.argument(description="The period's end (excluded); at most 366 days after `since`."),
        ],
    ) -> PortalAnalytics:
        return PortalAnalytics(
            record=await portal_analytics(info.context.request_context, since=since, until=until)
        )

    retention_offers: list[RetentionOffer] = strawberry.field(
        resolver=resolve_retention_offers,
        description="The retention offers, oldest first: the first that fits a cancellation is shown "
        "(API keys only).",
    )
    cancellation_report: CancellationReport = strawberry.field(
        resolver=resolve_cancellation_report,
        description="What cancellations said over a period: reasons and comments, offers shown, accepted and "
        "declined, subscriptions and revenue kept, pauses (API keys only).",
    )
