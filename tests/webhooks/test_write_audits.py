"""A write that took effect is audited exactly once, whatever failed between Stripe and the caller.

Each case loses the write's answer (`lost`) and fails the SDK's two retries (`error`), so the caller sees
STRIPE_UNAVAILABLE although Stripe made the change. Then the caller retries (and finds the change already
made) and Stripe's webhook of the change arrives, in either order: one of them audits the write, and the
other adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
import stripe

from resolvers.ports import AuditSource
from stripe_sandbox.resources.payment_methods import new_card
from tests.api.mutation_support import AMARA, DIEGO, MAYA, NOAH, customer_id, price_id, subscription
from tests.fixtures.app import error_codes, graphql
from tests.webhooks.conftest import audit_trail, deliver

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from portalql.persistence.db import Database
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle


@dataclass(frozen=True)
class Write:
    mutation: str
    customer: str
    input: Callable[[SandboxHandle], dict[str, Any]]
    path: str  # the Stripe write, as the sandbox's faults match it
    action: str  # its audit entry's
    event_type: str  # the webhook of the change


def _other_card(sandbox: SandboxHandle) -> str:
    maya = sandbox.state.store.get(customer_id(sandbox, MAYA), "customer")
    default = maya["invoice_settings"]["default_payment_method"]
    return str(
        next(
            pm["id"]
            for pm in sandbox.state.store.all("payment_method")
            if pm["customer"] == maya["id"] and pm["id"] != default
        )
    )


def _pay_diego(sandbox: SandboxHandle) -> dict[str, Any]:
    """Diego's past-due invoice, with a card that pays."""
    owner = customer_id(sandbox, DIEGO)
    return {
        "invoiceId": subscription(sandbox, DIEGO)["latest_invoice"],
        "paymentMethodId": new_card(sandbox.state.store, customer=owner)["id"],
        "idempotencyKey": "pay-diego",
    }


WRITES = [
    Write(
        "changePlan",
        MAYA,
        lambda s: {"subscriptionId": subscription(s, MAYA)["id"], "priceId": price_id(s, "business_monthly")},
        r"^POST /v1/subscriptions/",
        "subscription.change_plan",
        "customer.subscription.updated",
    ),
    Write(
        "cancelSubscription",
        NOAH,
        lambda s: {"subscriptionId": subscription(s, NOAH)["id"]},
        r"^POST /v1/subscriptions/",
        "subscription.cancel",
        "customer.subscription.updated",
    ),
    Write(
        "reactivateSubscription",
        AMARA,
        lambda s: {"subscriptionId": subscription(s, AMARA)["id"]},
        r"^POST /v1/subscriptions/",
        "subscription.reactivate",
        "customer.subscription.updated",
    ),
    Write(
        "updateCustomer",
        MAYA,
        lambda _: {"name": "Maya Chen-Okafor"},
        r"^POST /v1/customers/",
        "customer.update",
        "customer.updated",
    ),
    Write(
        "setDefaultPaymentMethod",
        MAYA,
        lambda s: {"paymentMethodId": _other_card(s)},
        r"^POST /v1/customers/",
        "customer.set_default_payment_method",
        "customer.updated",
    ),
    Write("payInvoice", DIEGO, _pay_diego, r"^POST /v1/invoices/", "invoice.pay", "invoice.paid"),
]


async def _send(client: httpx.AsyncClient, write: Write, given: dict[str, Any], token: str) -> dict[str, Any]:
    input_type = f"{write.mutation[0].upper()}{write.mutation[1:]}Input"
    document = (
        f"mutation($input: {input_type}!) {{ {write.mutation}(input: $input) {{ userErrors {{ code }} }} }}"
    )
    return await graphql(client, document, {"input": given}, token=token)


async def _audited(database: Database, action: str) -> int:
    return sum(event.action == action for event in await audit_trail(database))


def _lose_the_answer(sandbox: SandboxHandle, path: str) -> None:
    """The write lands and its answer is lost; the SDK's two retries then fail."""
    sandbox.add_fault("lost", count=1, path=path)
    sandbox.add_fault("error", count=2, path=path)


def _event_of(sandbox: SandboxHandle, event_type: str, seen: int) -> dict[str, Any]:
    made = [event for event in sandbox.state.store.events[seen:] if event["type"] == event_type]
    assert len(made) == 1, made
    return made[0]


@pytest.mark.parametrize("webhook_first", [False, True], ids=["retry-then-webhook", "webhook-then-retry"])
@pytest.mark.parametrize("write", WRITES, ids=[write.mutation for write in WRITES])
async def test_a_write_whose_answer_was_lost_is_audited_once(
    *,
    client: httpx.AsyncClient,
    sandbox: SandboxHandle,
    tokens: Tokens,
    database: Database,
    write: Write,
    webhook_first: bool,
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, write.customer))
    given = write.input(sandbox)
    seen = len(sandbox.state.store.events)
    _lose_the_answer(sandbox, write.path)

    failed = await _send(client, write, given, token)
    event = _event_of(sandbox, write.event_type, seen)
    if webhook_first:
        assert (await deliver(client, event)).status_code == 200
    retried = await _send(client, write, given, token)
    if not webhook_first:
        assert (await deliver(client, event)).status_code == 200

    assert error_codes(failed) == ["STRIPE_UNAVAILABLE"]
    assert "errors" not in retried
    assert retried["data"][write.mutation]["userErrors"] == []
    assert event["request"]["idempotency_key"].startswith("portalql:")
    assert await _audited(database, write.action) == 1


async def test_a_detach_whose_answer_was_lost_is_audited_once_by_its_webhook(
    *, client: httpx.AsyncClient, sandbox: SandboxHandle, tokens: Tokens, database: Database
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    write = Write(
        "detachPaymentMethod",
        MAYA,
        lambda s: {"paymentMethodId": _other_card(s)},
        r"^POST /v1/payment_methods/",
        "payment_method.detach",
        "payment_method.detached",
    )
    given = write.input(sandbox)
    seen = len(sandbox.state.store.events)
    _lose_the_answer(sandbox, write.path)

    failed = await _send(client, write, given, token)
    event = _event_of(sandbox, write.event_type, seen)
    delivered = await deliver(client, event)
    redelivered = await deliver(client, {**event, "id": f"{event['id']}_again"})

    assert error_codes(failed) == ["STRIPE_UNAVAILABLE"]
    assert (delivered.status_code, redelivered.status_code) == (200, 200)
    assert await _audited(database, write.action) == 1


async def test_a_write_that_answers_is_audited_once_though_its_webhook_follows(
    *, client: httpx.AsyncClient, sandbox: SandboxHandle, tokens: Tokens, database: Database
) -> None:
    write = WRITES[0]
    token = await tokens.customer_session(customer_id(sandbox, write.customer))
    seen = len(sandbox.state.store.events)

    answered = await _send(client, write, write.input(sandbox), token)
    await deliver(client, _event_of(sandbox, write.event_type, seen))

    assert answered["data"][write.mutation]["userErrors"] == []
    assert await _audited(database, write.action) == 1


async def test_a_write_that_never_landed_is_not_audited(
    *, client: httpx.AsyncClient, sandbox: SandboxHandle, tokens: Tokens, database: Database
) -> None:
    write = WRITES[3]
    token = await tokens.customer_session(customer_id(sandbox, write.customer))
    sandbox.add_fault("error", count=3, path=write.path)

    failed = await _send(client, write, write.input(sandbox), token)
    sandbox.add_fault("error", count=3, path=write.path)
    failed_again = await _send(client, write, write.input(sandbox), token)

    assert error_codes(failed) == error_codes(failed_again) == ["STRIPE_UNAVAILABLE"]
    assert sandbox.state.store.get(customer_id(sandbox, MAYA), "customer")["name"] == "Maya Chen"
    assert await _audited(database, write.action) == 0


async def test_a_payment_whose_answer_was_lost_and_never_retried_is_audited_by_its_webhook(
    *, client: httpx.AsyncClient, sandbox: SandboxHandle, tokens: Tokens, database: Database
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, DIEGO))
    write = WRITES[-1]
    seen = len(sandbox.state.store.events)
    _lose_the_answer(sandbox, write.path)

    failed = await _send(client, write, write.input(sandbox), token)
    delivered = await deliver(client, _event_of(sandbox, write.event_type, seen))

    assert error_codes(failed) == ["STRIPE_UNAVAILABLE"]
    assert delivered.status_code == 200
    [paid] = [event for event in await audit_trail(database) if event.action == write.action]
    assert (paid.source, paid.after) == (AuditSource.PORTALQL, {"status": "paid", "amountPaid": 3000})


async def test_payments_stripe_attempted_itself_are_audited_as_external(
    *,
    client: httpx.AsyncClient,
    sandbox: SandboxHandle,
    stripe_client: stripe.StripeClient,
    database: Database,
) -> None:
    invoice = str(subscription(sandbox, DIEGO)["latest_invoice"])
    seen = len(sandbox.state.store.events)
    with pytest.raises(stripe.CardError):  # Diego's card is declined again
        await stripe_client.v1.invoices.pay_async(invoice)
    card = new_card(sandbox.state.store, customer=customer_id(sandbox, DIEGO))
    await stripe_client.v1.invoices.pay_async(invoice, {"payment_method": card["id"]})

    for event in sandbox.state.store.events[seen:]:
        if event["type"] in {"invoice.payment_failed", "invoice.paid"}:
            assert (await deliver(client, event)).status_code == 200

    trail = [(e.action, e.object_id, e.source) for e in await audit_trail(database)]
    assert trail == [
        ("invoice.payment_failed", invoice, AuditSource.EXTERNAL),
        ("invoice.pay", invoice, AuditSource.EXTERNAL),
    ]
