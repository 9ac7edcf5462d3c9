"""Changes made outside portalql (Stripe's dashboard or hosted portal) land in the audit trail as external;
changes made through portalql are audited once, by the mutation that made them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from resolvers.ports import AuditSource, PrincipalType
from tests.fixtures.app import graphql
from tests.webhooks.conftest import audit_trail, deliver, processed
from tests.webhooks.test_freshness import CANCEL

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import httpx
    import stripe

    from portalql.persistence.db import Database
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle
    from tests.webhooks.conftest import Served

    ChangeInStripe = Callable[[stripe.StripeClient, dict[str, Any]], Awaitable[str]]


def owned_by(sandbox: SandboxHandle, customer_id: str, object_type: str) -> list[dict[str, Any]]:
    return [o for o in sandbox.state.store.iter_type(object_type) if o.get("customer") == customer_id]


async def cancel_subscription(client: stripe.StripeClient, owned: dict[str, Any]) -> str:
    [subscription] = owned["subscription"]
    await client.v1.subscriptions.update_async(
        subscription["id"],
        {"cancel_at_period_end": True, "cancellation_details": {"feedback": "too_expensive"}},
    )
    return str(subscription["id"])


async def change_email(client: stripe.StripeClient, owned: dict[str, Any]) -> str:
    await client.v1.customers.update_async(owned["customer"], {"email": "maya@chen.example.com"})
    return str(owned["customer"])


async def detach_spare_card(client: stripe.StripeClient, owned: dict[str, Any]) -> str:
    customer = await client.v1.customers.retrieve_async(owned["customer"])
    default = customer.invoice_settings.default_payment_method
    spare = next(pm["id"] for pm in owned["payment_method"] if pm["id"] != default)
    await client.v1.payment_methods.detach_async(spare)
    return str(spare)


async def refund_last_charge(client: stripe.StripeClient, owned: dict[str, Any]) -> str:
    charge = max(owned["charge"], key=lambda c: c["created"])
    await client.v1.refunds.create_async({"charge": charge["id"], "amount": 500})
    return str(charge["id"])


@pytest.mark.parametrize(
    ("change", "action", "object_type"),
    [
        (cancel_subscription, "subscription.cancel", "subscription"),
        (change_email, "customer.update", "customer"),
        (detach_spare_card, "payment_method.detach", "payment_method"),
        (refund_last_charge, "payment.refund", "charge"),
    ],
)
async def test_a_change_made_in_stripe_is_audited_as_external(
    *,
    served: Served,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    customer_a: str,
    database: Database,
    change: ChangeInStripe,
    action: str,
    object_type: str,
) -> None:
    owned = {
        kind: owned_by(sandbox, customer_a, kind) for kind in ("subscription", "payment_method", "charge")
    }

    object_id = await change(stripe_client, {"customer": customer_a, **owned})
    await served.deliveries()

    trail = await audit_trail(database)
    assert [(e.action, e.object_type, e.object_id, e.customer_id) for e in trail] == [
        (action, object_type, object_id, customer_a)
    ]
    assert {(e.source, e.principal_type) for e in trail} == {(AuditSource.EXTERNAL, PrincipalType.STRIPE)}


async def test_the_audit_entry_of_an_outside_cancel_says_what_changed(
    served: Served,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    customer_a: str,
    database: Database,
) -> None:
    [subscription] = owned_by(sandbox, customer_a, "subscription")

    await cancel_subscription(stripe_client, {"subscription": [subscription]})
    [event_id] = await served.deliveries()

    [audited] = await audit_trail(database)
    period_end = subscription["items"]["data"][0]["current_period_end"]
    assert audited.before == {
        "cancel_at_period_end": False,
        "cancel_at": None,
        "canceled_at": None,
        "cancellation_details": {"feedback": None, "comment": None},
    }
    assert audited.after == {
        "cancel_at_period_end": True,
        "cancel_at": period_end,
        "canceled_at": sandbox.now(),
        "cancellation_details": {"feedback": "too_expensive", "comment": None},
    }
    assert audited.request_id == event_id


async def test_a_change_stripe_reports_with_our_idempotency_key_is_not_audited_again(
    client: httpx.AsyncClient, sandbox: SandboxHandle, tokens: Tokens, customer_a: str, database: Database
) -> None:
    [subscription] = owned_by(sandbox, customer_a, "subscription")
    store = sandbox.state.store
    seen = len(store.events)

    await graphql(client, CANCEL, {"id": subscription["id"]}, token=await tokens.customer_session(customer_a))
    # Stripe names the request behind an event, with the idempotency key our gateway sent.
    [event] = store.events[seen:]
    [key] = [key for _, key in sandbox.state.idempotency if key.startswith("portalql:cancel_at_period_end:")]
    await deliver(client, event | {"request": {"id": "req_cancel", "idempotency_key": key}})
    await processed(database, {event["id"]})

    trail = await audit_trail(database)
    assert [(e.action, e.source, e.principal_type) for e in trail] == [
        ("subscription.cancel", AuditSource.PORTALQL, PrincipalType.CUSTOMER_SESSION)
    ]


async def test_a_cancel_made_through_portalql_is_audited_once_when_stripe_reports_it(
    *,
    client: httpx.AsyncClient,
    served: Served,
    sandbox: SandboxHandle,
    tokens: Tokens,
    customer_a: str,
    database: Database,
) -> None:
    [subscription] = owned_by(sandbox, customer_a, "subscription")

    await graphql(client, CANCEL, {"id": subscription["id"]}, token=await tokens.customer_session(customer_a))
    await served.deliveries()

    trail = await audit_trail(database)
    assert [(e.action, e.source) for e in trail] == [("subscription.cancel", AuditSource.PORTALQL)]
