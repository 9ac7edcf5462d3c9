"""`payInvoice` over HTTP against the sandbox: Diego's past-due invoice paid with a new card, declined,
sent through 3-D Secure, and retried under lost answers without charging twice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from stripe_sandbox.resources.payment_methods import new_card
from tests.api.mutation_support import (
    DIEGO,
    MAYA,
    NOAH,
    codes,
    customer_id,
    mutate,
    portal_configuration,
    subscription,
)
from tests.fixtures.app import error_codes, graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

RESULT = "outcome clientSecret invoice { id status amountPaid { amount } }"
PAY = "mutation($input: PayInvoiceInput!) { payInvoice(input: $input) { outcome userErrors { code } } }"
AUDIT = "query($id: ID!) { auditEvents(customerId: $id) { edges { node { action objectId } } } }"


def _open_invoice(sandbox: SandboxHandle, name: str) -> str:
    return str(subscription(sandbox, name)["latest_invoice"])


def _card(sandbox: SandboxHandle, name: str, last4: str) -> str:
    return str(new_card(sandbox.state.store, customer=customer_id(sandbox, name), last4=last4)["id"])


def _succeeded_charges(sandbox: SandboxHandle, name: str) -> int:
    owner = customer_id(sandbox, name)
    return sum(
        1
        for c in sandbox.state.store.iter_type("charge")
        if c["customer"] == owner and c["status"] == "succeeded"
    )


async def _pay(
    api: httpx.AsyncClient, token: str, invoice: str, key: str, card: str | None = None
) -> dict[str, Any]:
    return await mutate(
        api,
        "payInvoice",
        {"invoiceId": invoice, "paymentMethodId": card, "idempotencyKey": key},
        token,
        RESULT,
    )


async def _audited_payments(api: httpx.AsyncClient, token: str, customer: str) -> list[str]:
    audited = await graphql(api, AUDIT, {"id": customer}, token=token)
    return [
        e["node"]["objectId"]
        for e in audited["data"]["auditEvents"]["edges"]
        if e["node"]["action"] == "invoice.pay"
    ]


async def test_a_past_due_invoice_paid_with_a_new_card_revives_the_subscription(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    diego = customer_id(sandbox, DIEGO)
    token = await tokens.customer_session(diego)
    invoice = _open_invoice(sandbox, DIEGO)
    charges_before = _succeeded_charges(sandbox, DIEGO)

    paid = await _pay(api, token, invoice, "pay-1", _card(sandbox, DIEGO, "4242"))
    again = await _pay(api, token, invoice, "pay-1", _card(sandbox, DIEGO, "4242"))
    other_key = await _pay(api, token, invoice, "pay-2")

    assert paid["userErrors"] == []
    assert (paid["outcome"], paid["invoice"]["status"], paid["clientSecret"]) == ("PAID", "PAID", None)
    assert codes(again) == ["IDEMPOTENCY_KEY_REUSED"]  # another card is another request for the key
    assert codes(other_key) == ["INVOICE_NOT_OPEN"]
    assert subscription(sandbox, DIEGO)["status"] == "active"
    assert _succeeded_charges(sandbox, DIEGO) == charges_before + 1
    assert await _audited_payments(api, token, diego) == [invoice]


async def test_a_declined_card_answers_with_the_message_for_the_customer(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, DIEGO))
    invoice = _open_invoice(sandbox, DIEGO)

    default = await _pay(api, token, invoice, "pay-default")
    poor = await _pay(api, token, invoice, "pay-poor", _card(sandbox, DIEGO, "9995"))

    assert [(e["code"], e["message"]) for e in default["userErrors"]] == [
        ("CARD_DECLINED", "Your card was declined.")
    ]
    assert [(e["code"], e["message"]) for e in poor["userErrors"]] == [
        ("CARD_DECLINED", "Your card has insufficient funds.")
    ]
    assert sandbox.state.store.get(invoice, "invoice")["status"] == "open"
    assert subscription(sandbox, DIEGO)["status"] == "past_due"


@pytest.mark.parametrize(("outcome", "expected"), [("complete", "PAID"), ("fail", "CARD_DECLINED")])
async def test_three_d_secure_is_handed_to_the_browser_and_the_same_key_finishes(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, *, outcome: str, expected: str
) -> None:
    diego = customer_id(sandbox, DIEGO)
    token = await tokens.customer_session(diego)
    invoice = _open_invoice(sandbox, DIEGO)
    card = _card(sandbox, DIEGO, "3184")

    waiting = await _pay(api, token, invoice, "pay-3ds", card)
    assert waiting["outcome"] == "REQUIRES_ACTION"
    intent_id = waiting["clientSecret"].split("_secret_")[0]
    assert sandbox.state.store.get(intent_id, "payment_intent")["client_secret"] == waiting["clientSecret"]
    still = await _pay(api, token, invoice, "pay-3ds", card)
    assert still["outcome"] == "REQUIRES_ACTION"

    sandbox.authenticate(intent_id, outcome)  # the customer on Stripe's 3-D Secure page
    done = await _pay(api, token, invoice, "pay-3ds", card)

    assert (done["outcome"] or codes(done)[0]) == expected
    assert subscription(sandbox, DIEGO)["status"] == ("active" if expected == "PAID" else "past_due")
    assert await _audited_payments(api, token, diego) == ([invoice] if expected == "PAID" else [])


async def test_a_retry_after_lost_answers_charges_once(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    diego = customer_id(sandbox, DIEGO)
    token = await tokens.customer_session(diego)
    invoice = _open_invoice(sandbox, DIEGO)
    card = _card(sandbox, DIEGO, "4242")
    charges_before = _succeeded_charges(sandbox, DIEGO)
    # The payment is made and its answer lost on the way back; the SDK's two retries meet an outage.
    pay_path = r"POST /v1/invoices/\{id\}/pay"
    sandbox.add_fault("lost", count=1, path=pay_path)
    sandbox.add_fault("error", count=2, path=pay_path)
    variables = {"input": {"invoiceId": invoice, "paymentMethodId": card, "idempotencyKey": "pay-lost"}}

    lost = await graphql(api, PAY, variables, token=token)
    retried = await graphql(api, PAY, variables, token=token)

    assert error_codes(lost) == ["STRIPE_UNAVAILABLE"]
    assert retried["data"]["payInvoice"] == {"outcome": "PAID", "userErrors": []}
    assert _succeeded_charges(sandbox, DIEGO) == charges_before + 1
    assert await _audited_payments(api, token, diego) == [invoice]


async def test_a_paid_invoice_is_not_open(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    payload = await _pay(api, token, _open_invoice(sandbox, MAYA), "pay-paid")

    assert codes(payload) == ["INVOICE_NOT_OPEN"]


async def test_another_customers_invoice_and_card_are_not_found(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    noah_token = await tokens.customer_session(customer_id(sandbox, NOAH))
    key = await tokens.api_key()
    diegos_invoice = _open_invoice(sandbox, DIEGO)
    noahs_card = _card(sandbox, NOAH, "4242")

    foreign_invoice = await _pay(api, noah_token, diegos_invoice, "pay-foreign")
    foreign_card = await _pay(api, key, diegos_invoice, "pay-foreign-card", noahs_card)

    assert [(e["code"], e["field"]) for e in foreign_invoice["userErrors"]] == [
        ("NOT_FOUND", ["input", "invoiceId"])
    ]
    assert [(e["code"], e["field"]) for e in foreign_card["userErrors"]] == [
        ("NOT_FOUND", ["input", "paymentMethodId"])
    ]
    assert sandbox.state.store.get(diegos_invoice, "invoice")["status"] == "open"


async def test_a_portal_without_payment_method_updates_refuses_to_pay(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    portal_configuration(sandbox)["features"]["payment_method_update"]["enabled"] = False
    token = await tokens.customer_session(customer_id(sandbox, DIEGO))

    payload = await _pay(
        api, token, _open_invoice(sandbox, DIEGO), "pay-disabled", _card(sandbox, DIEGO, "4242")
    )

    assert codes(payload) == ["FEATURE_DISABLED"]
    assert sandbox.state.store.get(_open_invoice(sandbox, DIEGO), "invoice")["status"] == "open"
