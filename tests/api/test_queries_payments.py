"""What paid an invoice: its payment intent and charge, and the refunds made from them, paged."""

from __future__ import annotations

from typing import Any

from stripe_gateway.records import RefundReason
from stripe_sandbox.seed import demo_customer
from tests.fixtures.operations import execute

REFUNDS = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) {
    ... on Charge {
      amount { formatted }
      amountRefunded { formatted }
      refundableAmount { formatted }
      refunds(first: $first, after: $after) {
        edges { cursor node { id amount { formatted } status reason } }
        pageInfo { hasNextPage hasPreviousPage endCursor }
      }
    }
  }
}
"""


async def test_an_invoice_leads_to_its_payment_intent_and_charge(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)["id"]
    query = """
    query($id: ID!) {
      customer(id: $id) {
        invoices(first: 1) {
          edges { node { total { formatted } payments { paymentIntent { status amountReceived { formatted }
            latestCharge { status amount { formatted } receiptUrl } } } } }
        }
      }
    }
    """

    data = await execute(gateway, query, {"id": maya})

    [edge] = data["customer"]["invoices"]["edges"]
    [payment] = edge["node"]["payments"]
    intent = payment["paymentIntent"]
    assert (intent["status"], intent["amountReceived"]) == ("SUCCEEDED", edge["node"]["total"])
    assert intent["latestCharge"]["status"] == "SUCCEEDED"
    assert intent["latestCharge"]["amount"] == {"formatted": "$30.00"}
    assert intent["latestCharge"]["receiptUrl"].startswith("https://")


async def test_refunds_of_a_charge_page_newest_first(sandbox, gateway) -> None:
    maya = demo_customer(sandbox.state.store)["id"]
    charge = max(
        (c for c in sandbox.state.store.iter_type("charge") if c["customer"] == maya),
        key=lambda c: c["created"],
    )
    for key, amount in (("first", 500), ("second", 700)):
        await gateway.create_refund(
            charge_id=charge["id"],
            amount=amount,
            reason=RefundReason.REQUESTED_BY_CUSTOMER,
            idempotency_key=f"test-refund-{key}",
        )

    first = (await execute(gateway, REFUNDS, {"id": charge["id"], "first": 1}))["node"]
    after = first["refunds"]["pageInfo"]["endCursor"]
    second = (await execute(gateway, REFUNDS, {"id": charge["id"], "first": 1, "after": after}))["node"]

    assert first["amountRefunded"] == {"formatted": "$12.00"}
    assert first["refundableAmount"] == {"formatted": "$18.00"}
    pages = [page["refunds"] for page in (first, second)]
    assert [[edge["node"]["amount"]["formatted"] for edge in page["edges"]] for page in pages] == [
        ["$7.00"],
        ["$5.00"],
    ]
    assert [(page["pageInfo"]["hasNextPage"], page["pageInfo"]["hasPreviousPage"]) for page in pages] == [
        (True, False),
        (False, True),
    ]
    assert {edge["node"]["reason"] for page in pages for edge in page["edges"]} == {"REQUESTED_BY_CUSTOMER"}
    assert all(edge["cursor"] == edge["node"]["id"] for page in pages for edge in page["edges"])


PAGE = """
query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  node(id: $id) {
    ... on Charge {
      refunds(first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { id } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}
"""
INVOICE_REFUNDS = """
query($id: ID!, $after: String) {
  node(id: $id) {
    ... on Invoice {
      amountRefunded { amount }
      refunds(first: 100, after: $after) {
        edges { cursor node { id amount { amount } } }
        pageInfo { hasNextPage hasPreviousPage }
      }
    }
  }
}
"""
REFUND = """
query($id: ID!) {
  node(id: $id) { __typename ... on Refund { id amount { formatted } status reason } }
}
"""


def latest_charge_of_maya(sandbox) -> dict[str, Any]:
    maya = demo_customer(sandbox.state.store)["id"]
    return max(
        (c for c in sandbox.state.store.iter_type("charge") if c["customer"] == maya),
        key=lambda c: c["created"],
    )


async def refund_cents(gateway, charge_id: str, count: int) -> list[str]:
    """`count` refunds of one cent each; their ids, newest first."""
    made = [
        await gateway.create_refund(charge_id=charge_id, amount=1, reason=None, idempotency_key=f"cent-{n}")
        for n in range(count)
    ]
    return [refund.id for refund in reversed(made)]


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


def page_info(connection: dict[str, Any]) -> tuple[bool, bool]:
    return connection["pageInfo"]["hasNextPage"], connection["pageInfo"]["hasPreviousPage"]


async def test_refunds_of_a_charge_page_through_stripe_past_the_first_hundred(sandbox, gateway) -> None:
    charge = latest_charge_of_maya(sandbox)
    made = await refund_cents(gateway, charge["id"], 105)
    sandbox.reset_calls()

    first = (await execute(gateway, PAGE, {"id": charge["id"], "first": 100}))["node"]["refunds"]
    after = first["pageInfo"]["endCursor"]
    rest = (await execute(gateway, PAGE, {"id": charge["id"], "first": 100, "after": after}))["node"][
        "refunds"
    ]
    before = rest["pageInfo"]["startCursor"]
    back = (await execute(gateway, PAGE, {"id": charge["id"], "last": 3, "before": before}))["node"][
        "refunds"
    ]

    assert ids(first) + ids(rest) == made
    assert ids(back) == made[97:100]
    assert [page_info(page) for page in (first, rest, back)] == [(True, False), (False, True), (True, True)]
    # Each page is one Stripe list call with the cursor, not a read of every refund.
    assert sandbox.calls() == {"GET /v1/charges/{id}": 3, "GET /v1/refunds": 3}


async def test_an_invoices_refunds_are_a_connection_and_add_up_past_the_first_hundred(
    sandbox, gateway
) -> None:
    charge = latest_charge_of_maya(sandbox)
    [payment] = [
        p
        for p in sandbox.state.store.iter_type("invoice_payment")
        if p["payment"]["payment_intent"] == charge["payment_intent"]
    ]
    made = await refund_cents(gateway, charge["id"], 105)
    sandbox.reset_calls()

    first = (await execute(gateway, INVOICE_REFUNDS, {"id": payment["invoice"]}))["node"]
    after = first["refunds"]["edges"][-1]["cursor"]
    rest = (await execute(gateway, INVOICE_REFUNDS, {"id": payment["invoice"], "after": after}))["node"]

    assert first["amountRefunded"] == rest["amountRefunded"] == {"amount": 105}
    assert ids(first["refunds"]) + ids(rest["refunds"]) == made
    assert [page_info(page["refunds"]) for page in (first, rest)] == [(True, False), (False, True)]
    assert all(edge["cursor"] == edge["node"]["id"] for edge in first["refunds"]["edges"])
    # Per query: the invoice, its payments, and every refund of its payment (two pages of a hundred),
    # read once for both the amount and the connection.
    assert sandbox.calls() == {
        "GET /v1/invoices/{id}": 2,
        "GET /v1/invoice_payments": 2,
        "GET /v1/refunds": 4,
    }


async def test_a_refund_by_id_is_one_call(sandbox, gateway) -> None:
    charge = latest_charge_of_maya(sandbox)
    made = await gateway.create_refund(
        charge_id=charge["id"], amount=500, reason=RefundReason.DUPLICATE, idempotency_key="by-id"
    )
    sandbox.reset_calls()

    data = await execute(gateway, REFUND, {"id": made.id})

    assert data["node"] == {
        "__typename": "Refund",
        "id": made.id,
        "amount": {"formatted": "$5.00"},
        "status": "SUCCEEDED",
        "reason": "DUPLICATE",
    }
    assert sandbox.calls() == {"GET /v1/refunds/{id}": 1}
