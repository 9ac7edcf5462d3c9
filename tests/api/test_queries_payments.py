"""What paid an invoice: its payment intent and charge, and the refunds made from them, paged."""

from __future__ import annotations

from typing import Any

from resolvers.context import RequestContext
from resolvers.principals import ApiKeyPrincipal
from schema import build_schema
from schema.context import Context
from stripe_gateway.records import RefundReason
from stripe_sandbox.seed import demo_customer

API_KEY = ApiKeyPrincipal("key_1", "backend", livemode=False)

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


async def execute(gateway: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    result = await build_schema().execute(
        query, variables, context_value=Context(RequestContext(gateway=gateway, principal=API_KEY))
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


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
