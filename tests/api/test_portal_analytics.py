"""`portalAnalytics` over HTTP: after a known sequence of portal actions, each count is what happened, over
the period asked for only, from the database alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from portalql.persistence.models import utcnow
from portalql.persistence.repositories.audit import record_audit_event
from resolvers.analytics import PlanChangeDirection, plan_change_direction
from resolvers.ports import AuditSource, PrincipalType
from stripe_gateway.records import Interval, Price, PriceType, Recurring
from tests.api.mutation_support import MAYA, NOAH, customer_id, item_price, mutate, price_id, subscription
from tests.fixtures.app import error_codes, graphql

if TYPE_CHECKING:
    import httpx

    from portalql.persistence.db import Database
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

ANALYTICS = """
query($since: DateTime!, $until: DateTime!) {
  portalAnalytics(since: $since, until: $until) {
    portalLinksCreated portalLinksRedeemed stripePortalSessionsCreated customerSessionsStarted
    planUpgrades planDowngrades seatChanges otherPlanChanges cancellations reactivations
    cardsAdded invoicesPaid
  }
}
"""
RETURN_URL = "https://app.example/billing"


def period(start: datetime, end: datetime) -> dict[str, str]:
    return {"since": start.isoformat(), "until": end.isoformat()}


async def portal_session(api: httpx.AsyncClient, token: str, customer: str, kind: str) -> str:
    created = await mutate(
        api,
        "createPortalSession",
        {"customerId": customer, "kind": kind, "returnUrl": RETURN_URL},
        token,
        "portalSession { url }",
    )
    url: str = created["portalSession"]["url"]
    return url


async def change_plan(
    api: httpx.AsyncClient, token: str, name: str, sandbox: SandboxHandle, **to: Any
) -> None:
    changed = await mutate(
        api, "changePlan", {"subscriptionId": subscription(sandbox, name)["id"], **to}, token
    )
    assert changed["userErrors"] == []


async def audit(
    database: Database,
    action: str,
    *,
    occurred_at: datetime | None = None,
    before: dict[str, Any] | None = None,
    source: AuditSource = AuditSource.EXTERNAL,
) -> None:
    """An event learnt from a webhook (cards are added in the browser, through Stripe.js), or one made
    through the API."""
    principal = PrincipalType.STRIPE if source is AuditSource.EXTERNAL else PrincipalType.CUSTOMER_SESSION
    async with database.session() as db:
        await record_audit_event(
            db,
            principal_type=principal,
            principal_id="evt_test",
            action=action,
            object_type="payment_method",
            object_id="pm_test",
            source=source,
            occurred_at=occurred_at,
            before=before,
        )


async def test_the_counts_follow_a_known_sequence_of_actions(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, database: Database
) -> None:
    token = await tokens.api_key()
    maya, noah = customer_id(sandbox, MAYA), customer_id(sandbox, NOAH)
    start = utcnow()
    # Links: two hosted ones (one redeemed by an SPA), one session in Stripe's portal.
    link = await portal_session(api, token, maya, "HOSTED")
    await portal_session(api, token, noah, "HOSTED")
    await portal_session(api, token, maya, "STRIPE")
    exchanged = await api.post("/portal/sessions/exchange", json={"code": link.rsplit("/", 1)[-1]})
    assert exchanged.status_code == 200
    await mutate(api, "createCustomerSession", {"customerId": noah}, token)
    # Plans: Maya up from Pro to Business, then to three seats of it; Noah down from Pro to Starter.
    await change_plan(api, token, MAYA, sandbox, priceId=price_id(sandbox, "business_monthly"))
    await change_plan(api, token, MAYA, sandbox, priceId=item_price(sandbox, MAYA), quantity=3)
    await change_plan(api, token, NOAH, sandbox, priceId=price_id(sandbox, "starter_monthly"))
    # Noah cancels at the end of the period, and takes it back.
    noah_subscription = {"subscriptionId": subscription(sandbox, NOAH)["id"]}
    await mutate(api, "cancelSubscription", noah_subscription, token)
    await mutate(api, "reactivateSubscription", noah_subscription, token)
    # Two cards added in browsers; one invoice paid through the API and one elsewhere (a renewal charged),
    # which is not the portal's; and a card a year ago, outside the period.
    await audit(database, "payment_method.attach")
    await audit(database, "payment_method.attach")
    await audit(database, "invoice.pay", source=AuditSource.PORTALQL)
    await audit(database, "invoice.pay")
    await audit(database, "payment_method.attach", occurred_at=start - timedelta(days=365))
    # Someone cancels in Stripe's portal (an update, with a before-state); another subscription ends as
    # scheduled (Stripe's `deleted` event, none), which is not a cancellation asked for now.
    await audit(database, "subscription.cancel", before={"cancel_at_period_end": False})
    await audit(database, "subscription.cancel")
    end = utcnow() + timedelta(seconds=1)
    sandbox.reset_calls()

    counted = await graphql(api, ANALYTICS, period(start, end), token)
    earlier = await graphql(api, ANALYTICS, period(start - timedelta(days=366), start), token)

    assert counted["data"]["portalAnalytics"] == {
        "portalLinksCreated": 2,
        "portalLinksRedeemed": 1,
        "stripePortalSessionsCreated": 1,
        "customerSessionsStarted": 2,  # the redeemed link's and the one issued to an SPA
        "planUpgrades": 1,
        "planDowngrades": 1,
        "seatChanges": 1,
        "otherPlanChanges": 0,
        "cancellations": 2,
        "reactivations": 1,
        "cardsAdded": 2,
        "invoicesPaid": 1,
    }
    assert earlier["data"]["portalAnalytics"]["cardsAdded"] == 1
    assert earlier["data"]["portalAnalytics"]["portalLinksCreated"] == 0
    assert sandbox.calls() == {}  # counted in the database alone


async def test_a_plan_change_learnt_from_a_webhook_counts_without_a_direction(
    api: httpx.AsyncClient, tokens: Tokens, database: Database
) -> None:
    token = await tokens.api_key()
    start = utcnow()
    await audit(database, "subscription.change_plan")

    counted = await graphql(api, ANALYTICS, period(start, utcnow() + timedelta(seconds=1)), token)

    figures = counted["data"]["portalAnalytics"]
    assert (figures["otherPlanChanges"], figures["planUpgrades"], figures["planDowngrades"]) == (1, 0, 0)


async def test_a_period_backwards_or_longer_than_a_year_is_refused(
    api: httpx.AsyncClient, tokens: Tokens
) -> None:
    token = await tokens.api_key()
    now = datetime(2026, 12, 1, tzinfo=UTC)

    backwards = await graphql(api, ANALYTICS, period(now, now - timedelta(days=1)), token)
    too_long = await graphql(api, ANALYTICS, period(now - timedelta(days=367), now), token)
    no_zone = await graphql(api, ANALYTICS, {"since": "2026-11-01T00:00:00", "until": now.isoformat()}, token)

    assert error_codes(backwards) == error_codes(too_long) == error_codes(no_zone) == ["BAD_USER_INPUT"]


def _price(price_id: str, amount: int, interval: Interval, count: int = 1) -> Price:
    return Price(
        id=price_id,
        product_id="prod_1",
        active=True,
        currency="usd",
        unit_amount=amount,
        type=PriceType.RECURRING,
        recurring=Recurring(interval, count),
        lookup_key=None,
        nickname=None,
    )


def test_a_plan_change_is_up_or_down_by_what_it_costs_per_year() -> None:
    monthly = _price("price_m", 2000, Interval.MONTH)
    yearly = _price("price_y", 20000, Interval.YEAR)  # two months free
    quarterly = _price("price_q", 6000, Interval.MONTH, 3)

    assert plan_change_direction([(monthly, 1)], [(yearly, 1)]) is PlanChangeDirection.DOWN
    assert plan_change_direction([(yearly, 1)], [(monthly, 1)]) is PlanChangeDirection.UP
    assert plan_change_direction([(yearly, 1)], [(monthly, 2)]) is PlanChangeDirection.UP
    assert plan_change_direction([(monthly, 1)], [(quarterly, 1)]) is PlanChangeDirection.LATERAL
    assert plan_change_direction([(monthly, 1)], [(monthly, 4)]) is PlanChangeDirection.SEATS
    # A plan kept and an add-on added: what the subscription costs a year went up.
    assert plan_change_direction([(monthly, 1)], [(monthly, 1), (quarterly, 2)]) is PlanChangeDirection.UP
