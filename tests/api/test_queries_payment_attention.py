"""What a page shows about money owed: a past-due subscription's open invoice and why it failed, whether
the customer needs to act (also for an overdue invoice of no subscription), and whether paying a
subscription's or any invoice is offered; nothing, and no Stripe call, for one in good standing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.api.mutation_support import (
    DIEGO,
    ETHAN,
    MAYA,
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

QUERY = """{ viewer { customer {
  paymentAttentionNeeded
  capabilities { addPaymentMethods payInvoices }
  subscriptions {
    status
    openInvoice { id status lastPaymentError { code } }
    lastPaymentError { code declineCode message }
    actions { payInvoice { allowed refusal { code } } }
  }
} } }"""


async def test_a_past_due_subscription_says_what_is_owed_and_why(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, DIEGO))

    body = await graphql(api, QUERY, token=token)

    assert "errors" not in body, body["errors"]
    customer = body["data"]["viewer"]["customer"]
    assert customer["paymentAttentionNeeded"] is True
    assert customer["capabilities"] == {"addPaymentMethods": True, "payInvoices": True}
    [past_due] = customer["subscriptions"]
    assert past_due["status"] == "PAST_DUE"
    assert past_due["openInvoice"] == {
        "id": subscription(sandbox, DIEGO)["latest_invoice"],
        "status": "OPEN",
        "lastPaymentError": {"code": "card_declined"},
    }
    assert past_due["lastPaymentError"] == {
        "code": "card_declined",
        "declineCode": "generic_decline",
        "message": "Your card was declined.",
    }
    assert past_due["actions"]["payInvoice"] == {"allowed": True, "refusal": None}


async def test_a_customer_in_good_standing_owes_nothing_and_costs_no_invoice_read(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    sandbox.reset_calls()

    body = await graphql(api, QUERY, token=token)

    customer = body["data"]["viewer"]["customer"]
    assert customer["paymentAttentionNeeded"] is False
    [active] = customer["subscriptions"]
    assert (active["openInvoice"], active["lastPaymentError"]) == (None, None)
    assert active["actions"]["payInvoice"] == {"allowed": False, "refusal": {"code": "INVOICE_NOT_OPEN"}}
    assert not [call for call in sandbox.calls() if "invoice" in call or "payment_intent" in call]


OWED = """{ viewer { customer {
  paymentAttentionNeeded
  subscriptions { id }
  invoices(status: OPEN) {
    edges { node { id subscription { id } actions { pay { allowed refusal { code } } } } }
  }
} } }"""
INVOICE_ACTIONS = """query($id: ID!) { node(id: $id) { ... on Invoice {
  status actions { pay { allowed refusal { code } } }
} } }"""


def one_off_invoice(sandbox: SandboxHandle) -> str:
    """Ethan's overdue one-off invoice (the demo's): it bills no subscription."""
    owner = customer_id(sandbox, ETHAN)
    return str(next(i["id"] for i in sandbox.state.store.iter_type("invoice") if i["customer"] == owner))


async def test_an_overdue_one_off_invoice_needs_attention_until_it_is_paid(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, ETHAN))
    invoice = one_off_invoice(sandbox)

    owed = (await graphql(api, OWED, token=token))["data"]["viewer"]["customer"]
    paid = await mutate(
        api, "payInvoice", {"invoiceId": invoice, "idempotencyKey": "one-off"}, token, "outcome"
    )
    settled = (await graphql(api, OWED, token=token))["data"]["viewer"]["customer"]
    after = await graphql(api, INVOICE_ACTIONS, {"id": invoice}, token=token)

    assert (owed["paymentAttentionNeeded"], owed["subscriptions"]) == (True, [])
    assert owed["invoices"]["edges"] == [
        {
            "node": {
                "id": invoice,
                "subscription": None,
                "actions": {"pay": {"allowed": True, "refusal": None}},
            }
        }
    ]
    assert (paid["outcome"], paid["userErrors"]) == ("PAID", [])
    assert (settled["paymentAttentionNeeded"], settled["invoices"]["edges"]) == (False, [])
    assert after["data"]["node"] == {
        "status": "PAID",
        "actions": {"pay": {"allowed": False, "refusal": {"code": "INVOICE_NOT_OPEN"}}},
    }


async def test_paying_an_invoice_is_refused_as_the_mutation_would_refuse_it(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    invoice = one_off_invoice(sandbox)
    ethan = await tokens.customer_session(customer_id(sandbox, ETHAN))
    maya = await tokens.customer_session(customer_id(sandbox, MAYA))
    key = await tokens.api_key()
    portal_configuration(sandbox)["features"]["payment_method_update"]["enabled"] = False

    held_to_the_portal = await graphql(api, INVOICE_ACTIONS, {"id": invoice}, token=ethan)
    not_held = await graphql(api, INVOICE_ACTIONS, {"id": invoice}, token=key)
    another_customer = await graphql(api, INVOICE_ACTIONS, {"id": invoice}, token=maya)
    refused = await mutate(api, "payInvoice", {"invoiceId": invoice, "idempotencyKey": "off"}, ethan)

    assert held_to_the_portal["data"]["node"]["actions"]["pay"] == {
        "allowed": False,
        "refusal": {"code": "FEATURE_DISABLED"},
    }
    assert codes(refused) == ["FEATURE_DISABLED"]
    assert not_held["data"]["node"]["actions"]["pay"] == {"allowed": True, "refusal": None}
    assert error_codes(another_customer) == ["NOT_FOUND"]


async def test_whether_invoices_may_be_paid_costs_only_the_portal_configuration(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    history = "{ viewer { customer { invoices(first: 5) { edges { node { id %s } } } } } }"
    sandbox.reset_calls()
    await graphql(api, history % "", token=token)
    without = sandbox.calls()
    sandbox.reset_calls()

    body = await graphql(api, history % "actions { pay { allowed } }", token=token)

    assert [
        e["node"]["actions"]["pay"]["allowed"]
        for e in body["data"]["viewer"]["customer"]["invoices"]["edges"]
    ] == [False] * 5
    # Read once for every invoice, and cached (the dashboard reads it anyway, with the catalog).
    assert sandbox.calls() == {**without, "GET /v1/billing_portal/configurations": 1}
