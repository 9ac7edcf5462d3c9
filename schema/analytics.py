"""`PortalAnalytics`: what customers did through the portal over a period, as counts."""

from datetime import datetime

import strawberry

from resolvers import analytics
from schema.fields import field


@strawberry.type(
    description="What customers did through the portal over a period: counted from the audit trail and the "
    "sessions this service keeps."
)
class PortalAnalytics:
    record: strawberry.Private[analytics.PortalAnalytics]

    @field("The period's start (included).")
    def since(self) -> datetime:
        return self.record.since

    @field("The period's end (excluded).")
    def until(self) -> datetime:
        return self.record.until

    @field("One-time links into the hosted portal created (`createPortalSession` with kind HOSTED).")
    def portal_links_created(self) -> int:
        return self.record.portal_links_created

    @field("One-time portal links redeemed (opened, or exchanged for a session).")
    def portal_links_redeemed(self) -> int:
        return self.record.portal_links_redeemed

    @field("Sessions in Stripe's own portal created (`createPortalSession` with kind STRIPE).")
    def stripe_portal_sessions_created(self) -> int:
        return self.record.stripe_portal_sessions_created

    @field("Customer sessions started: issued to a product's SPA, or by redeeming a portal link.")
    def customer_sessions_started(self) -> int:
        return self.record.customer_sessions_started

    @field("Plan changes to a plan that costs more per year.")
    def plan_upgrades(self) -> int:
        return self.record.plan_upgrades

    @field("Plan changes to a plan that costs less per year.")
    def plan_downgrades(self) -> int:
        return self.record.plan_downgrades

    @field("Changes of quantity (seats) on the same price.")
    def seat_changes(self) -> int:
        return self.record.seat_changes

    @field(
        "Other plan changes: to a plan at the same yearly amount, or made in Stripe's portal or dashboard "
        "(learnt from webhooks, without a direction)."
    )
    def other_plan_changes(self) -> int:
        return self.record.other_plan_changes

    @field(
        "Cancellations asked for, at once or at the period's end, here or in Stripe's portal. A subscription "
        "ending later as scheduled is not counted again (nor, alike, one Stripe's portal ends at once)."
    )
    def cancellations(self) -> int:
        return self.record.cancellations

    @field("Scheduled cancellations taken back.")
    def reactivations(self) -> int:
        return self.record.reactivations

    @field("Cards added (attached to a customer, as Stripe's webhooks report them).")
    def cards_added(self) -> int:
        return self.record.cards_added

    @field("Open invoices paid through this API (`payInvoice`).")
    def invoices_paid(self) -> int:
        return self.record.invoices_paid
