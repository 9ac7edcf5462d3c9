"""Refund webhooks: a refund whose status changes in Stripe is read again, and so is its charge; a refund is
audited once, by `charge.refunded`, though Stripe reports it with `refund.created` too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from portalql.webhooks.handlers import Change
from portalql.webhooks.inbox import dispatch
from resolvers.live import BillingTopic
from resolvers.ports import AuditSource, PrincipalType
from tests.fixtures.app import graphql
from tests.webhooks.conftest import audit_trail, deliver, inbox, stripe_event
from tests.webhooks.events import refund, typed_event

if TYPE_CHECKING:
    import httpx
    import stripe

    from portalql.persistence.db import Database
    from stripe_gateway.records import Event, Refund
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle
    from tests.webhooks.conftest import Served

REFUND = "query($id: ID!) { node(id: $id) { ... on Refund { status amount { amount } } } }"
CHARGE = "query($id: ID!) { node(id: $id) { ... on Charge { amountRefunded { amount } } } }"
REFUND_PAYMENT = """
mutation($input: RefundPaymentInput!) {
  refundPayment(input: $input) { refund { id } userErrors { code } }
}
"""


def last_charge(sandbox: SandboxHandle, customer_id: str) -> dict[str, Any]:
    charges = [c for c in sandbox.state.store.iter_type("charge") if c.get("customer") == customer_id]
    return max(charges, key=lambda charge: charge["created"])


async def read(
    client: httpx.AsyncClient, query: str, object_id: str, token: str, sandbox: SandboxHandle
) -> tuple[dict[str, Any], dict[str, int]]:
    """The object as a query shows it, and the Stripe calls the query made."""
    sandbox.reset_calls()
    body = await graphql(client, query, {"id": object_id}, token=token)
    assert "errors" not in body, body["errors"]
    node: dict[str, Any] = body["data"]["node"]
    return node, sandbox.calls()


def refund_event(event_type: str, made: Refund, customer_id: str | None) -> Event:
    return typed_event(event_type, made, customer_id=customer_id, event_id="evt_refund")


@pytest.mark.parametrize("event_type", ["refund.created", "refund.updated", "refund.failed"])
def test_a_refund_event_makes_its_charge_and_customer_stale_and_is_not_audited(event_type: str) -> None:
    failed = refund(charge_id="ch_1", status="failed")

    change = dispatch(refund_event(event_type, failed, "cus_1"))

    # A cached refund belongs to its charge's group: dropping the charge drops it, the charge and its intent.
    assert change == Change(
        object_id="ch_1", customer_id="cus_1", audit=None, topics=frozenset({BillingTopic.INVOICES})
    )


def test_a_refund_without_a_charge_makes_itself_stale() -> None:
    pending = refund(charge_id=None, payment_intent_id=None, status="pending")

    change = dispatch(refund_event("refund.updated", pending, None))

    assert change == Change(
        object_id="re_1", customer_id=None, audit=None, topics=frozenset({BillingTopic.INVOICES})
    )


@pytest.mark.parametrize("event_type", ["refund.updated", "refund.failed"])
async def test_a_refund_whose_status_changes_in_stripe_is_read_again(
    *,
    client: httpx.AsyncClient,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    tokens: Tokens,
    customer_a: str,
    database: Database,
    event_type: str,
) -> None:
    token = await tokens.api_key()
    charge = last_charge(sandbox, customer_a)
    made = await stripe_client.v1.refunds.create_async({"charge": charge["id"], "amount": 500})
    before, cold = await read(client, REFUND, made.id, token, sandbox)
    _, warm = await read(client, REFUND, made.id, token, sandbox)

    # As Stripe reports a refund the card's bank sent back.
    stored = sandbox.state.store.get(made.id, "refund")
    stored.update(status="failed", failure_reason="expired_or_canceled_card")
    event = stripe_event(
        event_type,
        stored,
        created=sandbox.now(),
        event_id="evt_refund_failed",
        previous_attributes={"status": "succeeded"},
    )
    response = await deliver(client, event)
    after, refreshed = await read(client, REFUND, made.id, token, sandbox)

    assert response.status_code == 200
    assert response.json() == {"received": True}
    assert before == {"status": "SUCCEEDED", "amount": {"amount": 500}}
    assert (cold, warm) == ({"GET /v1/refunds/{id}": 1}, {})
    assert after == {"status": "FAILED", "amount": {"amount": 500}}
    assert refreshed == {"GET /v1/refunds/{id}": 1}
    assert [row.object_id for row in await inbox(database)] == [charge["id"]]


async def test_a_new_refund_reported_by_refund_created_refreshes_its_charge(
    *,
    client: httpx.AsyncClient,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    tokens: Tokens,
    customer_a: str,
) -> None:
    token = await tokens.api_key()
    charge = last_charge(sandbox, customer_a)
    before, _ = await read(client, CHARGE, charge["id"], token, sandbox)
    seen = len(sandbox.state.store.events)

    await stripe_client.v1.refunds.create_async({"charge": charge["id"], "amount": 500})
    [created] = [e for e in sandbox.state.store.events[seen:] if e["type"] == "refund.created"]
    await deliver(client, created)
    after, refreshed = await read(client, CHARGE, charge["id"], token, sandbox)

    assert after["amountRefunded"]["amount"] == before["amountRefunded"]["amount"] + 500
    assert refreshed == {"GET /v1/charges/{id}": 1}


async def test_a_refund_made_in_stripe_is_audited_once_though_stripe_reports_it_twice(
    served: Served,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    customer_a: str,
    database: Database,
) -> None:
    charge = last_charge(sandbox, customer_a)

    await stripe_client.v1.refunds.create_async({"charge": charge["id"], "amount": 500})
    delivered = await served.deliveries()

    events = {row.type: row.stripe_event_id for row in await inbox(database)}
    assert set(events) == {"charge.refunded", "refund.created"}
    assert set(events.values()) == delivered
    [audited] = await audit_trail(database)
    assert (audited.action, audited.object_type, audited.object_id, audited.customer_id) == (
        "payment.refund",
        "charge",
        charge["id"],
        customer_a,
    )
    assert (audited.source, audited.principal_type) == (AuditSource.EXTERNAL, PrincipalType.STRIPE)
    assert audited.request_id == events["charge.refunded"]


async def test_a_refund_made_through_portalql_is_audited_once_when_stripe_reports_it(
    *,
    client: httpx.AsyncClient,
    served: Served,
    sandbox: SandboxHandle,
    tokens: Tokens,
    customer_a: str,
    database: Database,
) -> None:
    charge = last_charge(sandbox, customer_a)
    given = {"chargeId": charge["id"], "amount": 500, "idempotencyKey": "refund-once"}

    body = await graphql(client, REFUND_PAYMENT, {"input": given}, token=await tokens.api_key())
    delivered = await served.deliveries()

    assert body["data"]["refundPayment"]["userErrors"] == []
    assert {row.type for row in await inbox(database)} == {"charge.refunded", "refund.created"}
    assert len(delivered) == 2
    trail = await audit_trail(database)
    assert [(e.action, e.object_type, e.source) for e in trail] == [
        ("payment.refund", "refund", AuditSource.PORTALQL)
    ]
