"""`refundPayment` over HTTP against the sandbox: exactly once per key, never more than was paid."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from portalql.web.app import create_app
from resolvers.mutations.refunds import REQUEST_METADATA_KEY
from stripe_gateway.caching import CachedGateway, MemoryStore
from tests.api.mutation_support import DIEGO, MAYA, codes, customer_id, mutate, writes
from tests.fixtures.app import app_settings, client_for, error_codes, graphql

if TYPE_CHECKING:
    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

RESULT = "refund { id amount { amount currency } reason status }"
AUDIT = """
query($customerId: ID) {
  auditEvents(customerId: $customerId) { edges { node { action objectType objectId after } } }
}
"""
# Refunds made after the one a test looks for, which then lies beyond the first page of Stripe's list.
MORE_THAN_A_PAGE = 100
INVOICE = """
query($id: ID!) {
  node(id: $id) {
    ... on Invoice {
      amountPaid { amount }
      amountRefunded { amount }
      refunds { edges { node { id amount { amount } reason } } }
    }
  }
}
"""


def paid_invoice(sandbox: SandboxHandle, name: str) -> dict[str, Any]:
    """The customer's most recent invoice that a payment paid."""
    owner = customer_id(sandbox, name)
    paid = [
        invoice
        for invoice in sandbox.state.store.all("invoice")
        if invoice["customer"] == owner and invoice["status"] == "paid" and invoice["amount_paid"] > 0
    ]
    return paid[-1]


def charge_of(sandbox: SandboxHandle, invoice: dict[str, Any]) -> dict[str, Any]:
    store = sandbox.state.store
    [payment] = [p for p in store.iter_type("invoice_payment") if p["invoice"] == invoice["id"]]
    intent = store.get(payment["payment"]["payment_intent"], "payment_intent")
    charge: dict[str, Any] = store.get(intent["latest_charge"], "charge")
    return charge


def refunds_of(sandbox: SandboxHandle, charge: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in sandbox.state.store.all("refund") if r["charge"] == charge["id"]]


async def refund(api: httpx.AsyncClient, token: str, **given: Any) -> dict[str, Any]:
    return await mutate(api, "refundPayment", given, token, RESULT)


async def test_an_invoice_is_refunded_in_full_and_then_shows_it(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    invoice = paid_invoice(sandbox, MAYA)

    payload = await refund(
        api, token, invoiceId=invoice["id"], reason="REQUESTED_BY_CUSTOMER", idempotencyKey="r1"
    )
    shown = await graphql(api, INVOICE, {"id": invoice["id"]}, token=token)

    assert payload["userErrors"] == []
    refunded = payload["refund"]
    assert refunded["amount"] == {"amount": invoice["amount_paid"], "currency": "usd"}
    assert (refunded["reason"], refunded["status"]) == ("REQUESTED_BY_CUSTOMER", "SUCCEEDED")
    charge = charge_of(sandbox, invoice)
    assert (charge["amount_refunded"], charge["refunded"]) == (invoice["amount_paid"], True)
    assert shown["data"]["node"] == {
        "amountPaid": {"amount": invoice["amount_paid"]},
        "amountRefunded": {"amount": invoice["amount_paid"]},
        "refunds": {
            "edges": [
                {
                    "node": {
                        "id": refunded["id"],
                        "amount": {"amount": invoice["amount_paid"]},
                        "reason": "REQUESTED_BY_CUSTOMER",
                    }
                }
            ]
        },
    }


async def test_a_payment_intent_is_refunded_in_part(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    invoice = paid_invoice(sandbox, MAYA)
    charge = charge_of(sandbox, invoice)

    payload = await refund(
        api, await tokens.api_key(), paymentIntentId=charge["payment_intent"], amount=500, idempotencyKey="r1"
    )

    assert payload["userErrors"] == []
    assert payload["refund"]["amount"]["amount"] == 500
    assert (charge["amount_refunded"], charge["refunded"]) == (500, False)


async def test_a_charge_is_refunded_by_its_id_and_audited(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    charge = charge_of(sandbox, paid_invoice(sandbox, MAYA))

    payload = await refund(
        api, token, chargeId=charge["id"], amount=500, reason="DUPLICATE", idempotencyKey="c1"
    )
    audited = await graphql(api, AUDIT, {"customerId": customer_id(sandbox, MAYA)}, token=token)

    assert payload["userErrors"] == []
    refunded = payload["refund"]
    assert refunded["amount"] == {"amount": 500, "currency": "usd"}
    assert (refunded["reason"], refunded["status"]) == ("DUPLICATE", "SUCCEEDED")
    assert (charge["amount_refunded"], charge["refunded"]) == (500, False)
    assert [r["id"] for r in refunds_of(sandbox, charge)] == [refunded["id"]]
    assert [edge["node"] for edge in audited["data"]["auditEvents"]["edges"]] == [
        {
            "action": "payment.refund",
            "objectType": "refund",
            "objectId": refunded["id"],
            "after": {
                "target": charge["id"],
                "charge": charge["id"],
                "amount": 500,
                "currency": "usd",
                "reason": "duplicate",
            },
        }
    ]


async def test_a_retry_by_charge_returns_the_same_refund_and_moves_no_money(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    charge = charge_of(sandbox, paid_invoice(sandbox, MAYA))

    first = await refund(api, token, chargeId=charge["id"], amount=700, idempotencyKey="charge-42")
    retry = await refund(api, token, chargeId=charge["id"], amount=700, idempotencyKey="charge-42")
    sandbox.state.idempotency.clear()  # Stripe forgets idempotency keys after 24 hours
    much_later = await refund(api, token, chargeId=charge["id"], amount=700, idempotencyKey="charge-42")
    elsewhere = await refund(
        api, token, paymentIntentId=charge["payment_intent"], amount=700, idempotencyKey="charge-42"
    )

    assert first["userErrors"] == retry["userErrors"] == much_later["userErrors"] == []
    assert first["refund"] == retry["refund"] == much_later["refund"]
    assert codes(elsewhere) == ["IDEMPOTENCY_KEY_REUSED"]
    assert writes(sandbox)["POST /v1/refunds"] == 1
    assert [r["amount"] for r in refunds_of(sandbox, charge)] == [700]
    assert charge["amount_refunded"] == 700


async def test_a_retry_returns_its_refund_however_many_followed_it(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, gateway: StripeGateway
) -> None:
    token = await tokens.api_key()
    invoice = paid_invoice(sandbox, MAYA)
    charge = charge_of(sandbox, invoice)
    first = await refund(api, token, invoiceId=invoice["id"], amount=700, idempotencyKey="early")
    for n in range(MORE_THAN_A_PAGE):
        await gateway.create_refund(
            charge_id=charge["id"], amount=1, reason=None, idempotency_key=f"cent-{n}"
        )

    retry = await refund(api, token, invoiceId=invoice["id"], amount=700, idempotencyKey="early")

    assert retry == first
    assert writes(sandbox)["POST /v1/refunds"] == 1 + MORE_THAN_A_PAGE


async def test_a_refund_whose_record_was_lost_is_found_past_the_charges_first_hundred_refunds(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, gateway: StripeGateway
) -> None:
    charge = charge_of(sandbox, paid_invoice(sandbox, MAYA))
    # Made by an earlier request whose database record was lost; a hundred more refunds came after it.
    lost = await gateway.create_refund(
        charge_id=charge["id"],
        amount=700,
        reason=None,
        metadata={REQUEST_METADATA_KEY: "merchant:lost"},
        idempotency_key="merchant:lost",
    )
    for n in range(MORE_THAN_A_PAGE):
        await gateway.create_refund(
            charge_id=charge["id"], amount=1, reason=None, idempotency_key=f"cent-{n}"
        )
    sandbox.state.idempotency.clear()  # and Stripe no longer remembers the key
    sandbox.reset_calls()

    payload = await refund(
        api, await tokens.api_key(), chargeId=charge["id"], amount=700, idempotencyKey="lost"
    )

    assert payload["userErrors"] == []
    assert payload["refund"]["id"] == lost.id
    assert "POST /v1/refunds" not in writes(sandbox)
    assert sandbox.calls()["GET /v1/refunds"] == 2  # every page of the charge's refunds, a hundred at a time
    assert charge["amount_refunded"] == 700 + MORE_THAN_A_PAGE


async def test_a_retry_returns_the_same_refund_and_moves_no_money_even_after_stripes_key_window(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    invoice = paid_invoice(sandbox, MAYA)

    first = await refund(api, token, invoiceId=invoice["id"], amount=700, idempotencyKey="refund-42")
    retry = await refund(api, token, invoiceId=invoice["id"], amount=700, idempotencyKey="refund-42")
    sandbox.state.idempotency.clear()  # Stripe forgets idempotency keys after 24 hours
    much_later = await refund(api, token, invoiceId=invoice["id"], amount=700, idempotencyKey="refund-42")

    assert first["userErrors"] == retry["userErrors"] == much_later["userErrors"] == []
    assert first["refund"] == retry["refund"] == much_later["refund"]
    assert writes(sandbox)["POST /v1/refunds"] == 1
    assert [r["amount"] for r in refunds_of(sandbox, charge_of(sandbox, invoice))] == [700]


@pytest.mark.parametrize(
    "other",
    [
        pytest.param({"amount": 800}, id="another-amount"),
        pytest.param({"reason": "DUPLICATE"}, id="another-reason"),
        pytest.param({"invoiceId": None, "paymentIntentId": "pi_other"}, id="another-payment"),
    ],
)
async def test_the_same_key_for_another_refund_is_refused(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, other: dict[str, Any]
) -> None:
    token = await tokens.api_key()
    invoice = paid_invoice(sandbox, MAYA)
    asked = {"invoiceId": invoice["id"], "amount": 700, "idempotencyKey": "refund-42"}
    await refund(api, token, **asked)

    payload = await refund(api, token, **{**asked, **other})

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("IDEMPOTENCY_KEY_REUSED", ["input", "idempotencyKey"])
    ]
    assert len(refunds_of(sandbox, charge_of(sandbox, invoice))) == 1


async def test_more_than_is_left_is_refused_and_a_full_refund_leaves_nothing(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    invoice = paid_invoice(sandbox, MAYA)
    paid = invoice["amount_paid"]

    too_much = await refund(api, token, invoiceId=invoice["id"], amount=paid + 1, idempotencyKey="a")
    everything = await refund(api, token, invoiceId=invoice["id"], idempotencyKey="b")
    again = await refund(api, token, invoiceId=invoice["id"], amount=1, idempotencyKey="c")

    assert [(e["code"], e["field"]) for e in too_much["userErrors"]] == [
        ("AMOUNT_TOO_LARGE", ["input", "amount"])
    ]
    assert everything["refund"]["amount"]["amount"] == paid
    assert codes(again) == ["ALREADY_REFUNDED"]
    assert writes(sandbox)["POST /v1/refunds"] == 1


@pytest.mark.parametrize(
    ("given", "code", "field"),
    [
        pytest.param({"amount": 0}, "INVALID_AMOUNT", ["input", "amount"], id="zero"),
        pytest.param({"amount": -100}, "INVALID_AMOUNT", ["input", "amount"], id="negative"),
        pytest.param({"paymentIntentId": "pi_x"}, "INVALID_INPUT", ["input"], id="two-targets"),
        pytest.param({"invoiceId": None}, "INVALID_INPUT", ["input"], id="no-target"),
        pytest.param({"chargeId": "ch_x"}, "INVALID_INPUT", ["input"], id="invoice-and-charge"),
        pytest.param(
            {"invoiceId": None, "paymentIntentId": "pi_x", "chargeId": "ch_x"},
            "INVALID_INPUT",
            ["input"],
            id="intent-and-charge",
        ),
        pytest.param(
            {"paymentIntentId": "pi_x", "chargeId": "ch_x"}, "INVALID_INPUT", ["input"], id="three-targets"
        ),
        pytest.param(
            {"invoiceId": "in_doesnotexist"}, "NOT_FOUND", ["input", "invoiceId"], id="unknown-invoice"
        ),
        pytest.param(
            {"invoiceId": None, "chargeId": "ch_doesnotexist"},
            "NOT_FOUND",
            ["input", "chargeId"],
            id="unknown-charge",
        ),
        pytest.param({"idempotencyKey": ""}, "INVALID_INPUT", ["input", "idempotencyKey"], id="empty-key"),
    ],
)
async def test_invalid_refunds_are_refused(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    given: dict[str, Any],
    code: str,
    field: list[str] | None,
) -> None:
    asked = {"invoiceId": paid_invoice(sandbox, MAYA)["id"], "idempotencyKey": "r1", **given}

    payload = await refund(api, await tokens.api_key(), **asked)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert "POST /v1/refunds" not in writes(sandbox)


async def test_unpaid_and_disputed_payments_are_not_refundable(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    diegos = customer_id(sandbox, DIEGO)
    [unpaid] = [
        i for i in sandbox.state.store.all("invoice") if i["customer"] == diegos and i["status"] == "open"
    ]
    disputed = paid_invoice(sandbox, MAYA)
    charge_of(sandbox, disputed)["disputed"] = True

    for invoice in (unpaid, disputed):
        payload = await refund(api, token, invoiceId=invoice["id"], idempotencyKey=f"r-{invoice['id']}")
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("NOT_REFUNDABLE", ["input", "invoiceId"])
        ]
    assert "POST /v1/refunds" not in writes(sandbox)


async def test_customer_sessions_cannot_refund(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    body = await graphql(
        api,
        "mutation($input: RefundPaymentInput!) { refundPayment(input: $input) { userErrors { code } } }",
        {"input": {"invoiceId": paid_invoice(sandbox, MAYA)["id"], "idempotencyKey": "mine"}},
        token=token,
    )

    assert error_codes(body) == ["FORBIDDEN"]
    assert "POST /v1/refunds" not in writes(sandbox)


async def test_concurrent_refunds_of_one_invoice_never_refund_more_than_was_paid(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.api_key()
    invoice = paid_invoice(sandbox, MAYA)
    paid = invoice["amount_paid"]
    share = paid // 4 + 1  # three fit, a fourth does not
    sandbox.set_latency(20)  # widen the window between reading what is left and refunding

    payloads = await asyncio.gather(
        *(
            refund(api, token, invoiceId=invoice["id"], amount=share, idempotencyKey=f"c{n}")
            for n in range(10)
        )
    )

    assert sorted(tuple(codes(p)) for p in payloads) == [()] * 3 + [("AMOUNT_TOO_LARGE",)] * 7
    charge = charge_of(sandbox, invoice)
    assert charge["amount_refunded"] == 3 * share <= paid
    assert [r["amount"] for r in refunds_of(sandbox, charge)] == [share] * 3
    # Each request read what was left under the charge's lock: none asked Stripe for more than was left.
    assert writes(sandbox)["POST /v1/refunds"] == 3


async def test_what_is_left_to_refund_is_read_from_stripe_past_the_read_cache(
    gateway: StripeGateway, database: Database, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    cached = CachedGateway(gateway, MemoryStore())
    invoice = paid_invoice(sandbox, MAYA)
    charge = charge_of(sandbox, invoice)
    await cached.retrieve_charge(charge["id"])  # the cache now holds the charge as not refunded
    charge["amount_refunded"] = 1000  # refunded on Stripe's dashboard; no webhook has told the cache yet

    async with client_for(create_app(app_settings(), gateway=cached, database=database)) as client:
        payload = await refund(client, await tokens.api_key(), invoiceId=invoice["id"], idempotencyKey="rest")

    assert payload["userErrors"] == []
    assert payload["refund"]["amount"]["amount"] == invoice["amount_paid"] - 1000
    assert charge["refunded"] is True
