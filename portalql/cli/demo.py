"""Demo credentials for `portalql serve` on the sandbox, and the dashboard query it suggests trying."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from portalql.persistence.adapters import DatabaseRetentionStore, new_event_secret
from portalql.persistence.repositories.api_keys import create_api_key, list_api_keys, revoke_api_key
from portalql.persistence.repositories.event_deliveries import create_event_endpoint, enabled_event_endpoints
from portalql.persistence.repositories.external_ids import replace_external_id
from portalql.persistence.repositories.sessions import create_customer_session, create_portal_link
from portalql.persistence.repositories.trusted_documents import store_trusted_documents
from resolvers.ports import CouponTerms, NewRetentionOffer, OfferKind, OfferScope, PauseTerms
from resolvers.principals import Scope
from schema.trusted import document_id_of
from stripe_gateway.records import (
    CancellationFeedback,
    CouponDuration,
    Interval,
    PortalFlow,
    PortalFlowCompletion,
    PortalFlowType,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from portalql.persistence.db import Database

DEMO_API_KEY_NAME = "demo (portalql serve)"
# Long enough for a day of exploring; the token is printed on every start anyway.
DEMO_SESSION_TTL = timedelta(hours=24)

# What a billing page shows a signed-in customer: one request, a handful of Stripe calls.
DASHBOARD_QUERY = """\
query Dashboard {
  viewer {
    customer {
      id
      name
      email
      shipping { name address { line1 city country } }
      taxIds { type value verificationStatus }
      defaultPaymentMethod { id card { brand last4 expMonth expYear } }
      subscriptions {
        id
        status
        currentPeriodEnd
        cancelAtPeriodEnd
        items { id quantity price { id unitAmount { formatted } recurring { interval } product { name } } }
        upcomingInvoice { amountDue { formatted } }
      }
      invoices(first: 10) {
        edges { node { id number status created total { formatted } hostedInvoiceUrl } }
        pageInfo { hasNextPage endCursor }
      }
      paymentMethods { id card { brand last4 } }
    }
  }
}
"""
# The dashboard is also a trusted document, so that it can be sent by its id alone.
DASHBOARD_DOCUMENT_ID = document_id_of(DASHBOARD_QUERY)


# What a product's "update your card" email links to: the card form, then a confirmation in the portal.
CARD_FLOW = PortalFlow(
    PortalFlowType.PAYMENT_METHOD_UPDATE,
    after_completion=PortalFlowCompletion.HOSTED_CONFIRMATION,
    confirmation_message="Thank you: your next invoices will be charged to this card.",
)


@dataclass(frozen=True)
class DemoCredentials:
    """Plaintext tokens, shown once on the console; only their hashes are stored."""

    api_key: str
    customer_session_token: str
    customer_id: str
    portal_code: str
    # A one-time link for a customer whose payment failed: to add a card and pay what is owed.
    past_due_portal_code: str | None = None
    # A one-time link for a customer whose one-off invoice is overdue: to pay it.
    overdue_portal_code: str | None = None
    # The product's own id for the demo customer, mapped from its Stripe metadata.
    external_id: str | None = None
    # A one-time link for a customer billed for a plan and seats: to step seats and change add-ons.
    seats_portal_code: str | None = None
    # A one-time link for a usage-billed customer: usage this period, its daily chart, credit.
    usage_portal_code: str | None = None
    # A deep link for the demo customer: straight to adding a card, then a confirmation with a message.
    card_flow_portal_code: str | None = None
    # A one-time link for the demo customer, opened in German (the session's `locale`).
    german_portal_code: str | None = None


async def mint_demo_credentials(
    database: Database,
    *,
    customer_id: str,
    return_url: str,
    past_due_customer_id: str | None = None,
    overdue_customer_id: str | None = None,
    seats_customer_id: str | None = None,
    usage_customer_id: str | None = None,
    external_id: str | None = None,
    events_url: str | None = None,
) -> DemoCredentials:
    """A fresh API key (replacing the previous demo key), a session with every scope for `customer_id`, and
    one-time links into the hosted portal for the same customer that lead back to `return_url` (one of them
    deep-linked to adding a card, `CARD_FLOW`); another such link for `past_due_customer_id`, for
    `overdue_customer_id`, for `seats_customer_id` and for `usage_customer_id` when given. `external_id`
    (from the customer's Stripe metadata) is mapped to the customer, as `portalql external-ids rebuild`
    would; `events_url` is registered as an event endpoint (the demo product's). The dashboard query becomes
    a trusted document."""
    async with database.session() as session:
        await store_trusted_documents(session, {DASHBOARD_DOCUMENT_ID: (DASHBOARD_QUERY, "Dashboard")})
        if external_id is not None:
            await replace_external_id(session, external_id, customer_id)
        await _revoke_demo_keys(session)
        key = await create_api_key(session, name=DEMO_API_KEY_NAME, livemode=False)
        if events_url is not None and events_url not in {
            e.url for e in await enabled_event_endpoints(session)
        }:
            await create_event_endpoint(
                session,
                url=events_url,
                description="The demo product",
                event_types=[],
                secret=new_event_secret(),
                created_by_api_key_id=key.key.id,
            )
        customer_session = await create_customer_session(
            session, customer_id=customer_id, ttl=DEMO_SESSION_TTL, scopes=frozenset(Scope)
        )
        portal = await create_portal_link(
            session,
            customer_id=customer_id,
            return_url=return_url,
            ttl=DEMO_SESSION_TTL,
            created_by_api_key_id=key.key.id,
        )
        card_flow = await create_portal_link(
            session,
            customer_id=customer_id,
            return_url=return_url,
            ttl=DEMO_SESSION_TTL,
            created_by_api_key_id=key.key.id,
            flow=CARD_FLOW,
        )
        german = await create_portal_link(
            session,
            customer_id=customer_id,
            return_url=return_url,
            ttl=DEMO_SESSION_TTL,
            created_by_api_key_id=key.key.id,
            locale="de",
        )
        others = {}
        for name, other in (
            ("past_due", past_due_customer_id),
            ("overdue", overdue_customer_id),
            ("seats", seats_customer_id),
            ("usage", usage_customer_id),
        ):
            if other is not None:
                others[name] = await create_portal_link(
                    session,
                    customer_id=other,
                    return_url=return_url,
                    ttl=DEMO_SESSION_TTL,
                    created_by_api_key_id=key.key.id,
                )
    return DemoCredentials(
        api_key=key.token,
        customer_session_token=customer_session.token,
        customer_id=customer_id,
        portal_code=portal.code,
        past_due_portal_code=others["past_due"].code if "past_due" in others else None,
        overdue_portal_code=others["overdue"].code if "overdue" in others else None,
        seats_portal_code=others["seats"].code if "seats" in others else None,
        usage_portal_code=others["usage"].code if "usage" in others else None,
        external_id=external_id,
        card_flow_portal_code=card_flow.code,
        german_portal_code=german.code,
    )


async def retire_demo_credentials(database: Database) -> int:
    """Revoke every demo API key: they were printed on a console and must not work against real Stripe."""
    async with database.session() as session:
        return await _revoke_demo_keys(session)


async def _revoke_demo_keys(session: AsyncSession) -> int:
    demo_keys = [
        key
        for key in await list_api_keys(session)
        if key.name == DEMO_API_KEY_NAME and key.revoked_at is None
    ]
    for key in demo_keys:
        await revoke_api_key(session, key.id)
    return len(demo_keys)


async def seed_demo_offers(database: Database, *, coupon_id: str) -> int:
    """The demo's retention offers, unless the database has offers already: half off for three months
    (the sandbox's coupon `coupon_id`) for customers who find it too expensive, and a month's pause for
    those who do not use it enough. How many were made."""
    store = DatabaseRetentionStore(database)
    if await store.offers(include_archived=True):
        return 0
    offers = (
        NewRetentionOffer(
            name="50% off for 3 months",
            kind=OfferKind.COUPON,
            scope=OfferScope(reasons=(CancellationFeedback.TOO_EXPENSIVE,)),
            coupon=CouponTerms(50.0, None, None, CouponDuration.REPEATING, 3, coupon_id),
        ),
        NewRetentionOffer(
            name="Take a month off",
            kind=OfferKind.PAUSE,
            scope=OfferScope(reasons=(CancellationFeedback.UNUSED,)),
            pause=PauseTerms(Interval.MONTH, 1),
        ),
    )
    for offer in offers:
        await store.create_offer(offer)
    return len(offers)
