"""What a page shows about money owed: a past-due subscription's open invoice and why it failed, whether
the customer needs to act, and whether paying is offered; nothing, and no Stripe call, for one in good
standing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.api.mutation_support import DIEGO, MAYA, customer_id, subscription
from tests.fixtures.app import graphql

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
