"""Demo credentials for `portalql serve` on the sandbox, and the dashboard query it suggests trying."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from portalql.persistence.repositories.api_keys import create_api_key, list_api_keys, revoke_api_key
from portalql.persistence.repositories.sessions import create_customer_session, create_portal_link
from resolvers.principals import Scope

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


@dataclass(frozen=True)
class DemoCredentials:
    """Plaintext tokens, shown once on the console; only their hashes are stored."""

    api_key: str
    customer_session_token: str
    customer_id: str
    portal_code: str
    # A one-time link for a customer whose payment failed: to add a card and pay what is owed.
    past_due_portal_code: str | None = None
    # A one-time link for the demo customer, opened in German (the session's `locale`).
    german_portal_code: str | None = None


async def mint_demo_credentials(
    database: Database, *, customer_id: str, return_url: str, past_due_customer_id: str | None = None
) -> DemoCredentials:
    """A fresh API key (replacing the previous demo key), a session with every scope for `customer_id`, and
    a one-time link into the hosted portal for the same customer that leads back to `return_url`; another
    such link for `past_due_customer_id` when given."""
    async with database.session() as session:
        await _revoke_demo_keys(session)
        key = await create_api_key(session, name=DEMO_API_KEY_NAME, livemode=False)
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
        german = await create_portal_link(
            session,
            customer_id=customer_id,
            return_url=return_url,
            ttl=DEMO_SESSION_TTL,
            created_by_api_key_id=key.key.id,
            locale="de",
        )
        past_due = None
        if past_due_customer_id is not None:
            past_due = await create_portal_link(
                session,
                customer_id=past_due_customer_id,
                return_url=return_url,
                ttl=DEMO_SESSION_TTL,
                created_by_api_key_id=key.key.id,
            )
    return DemoCredentials(
        api_key=key.token,
        customer_session_token=customer_session.token,
        customer_id=customer_id,
        portal_code=portal.code,
        past_due_portal_code=None if past_due is None else past_due.code,
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
