"""A customer's invoices as a Relay connection: Stripe ids as cursors, forward and backward, by status."""

from __future__ import annotations

from typing import Any

import pytest

from stripe_sandbox.seed import demo_customer
from tests.fixtures.operations import run, session_for

INVOICES = """
query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $status: InvoiceStatus) {
  customer(id: $id) {
    invoices(first: $first, after: $after, last: $last, before: $before, status: $status) {
      edges { cursor node { id number status } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


async def invoices(gateway: Any, customer_id: str, **arguments: Any) -> dict[str, Any]:
    result = await run(gateway, INVOICES, {"id": customer_id, **arguments})
    assert result.errors is None, result.errors
    assert result.data is not None
    connection: dict[str, Any] = result.data["customer"]["invoices"]
    return connection


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


@pytest.fixture
def maya(sandbox) -> str:
    customer_id: str = demo_customer(sandbox.state.store)["id"]
    return customer_id


async def test_paging_forward_walks_every_invoice_newest_first(sandbox, gateway, maya) -> None:
    everything = ids(await invoices(gateway, maya, first=100))
    sandbox.reset_calls()

    first = await invoices(gateway, maya, first=5)
    second = await invoices(gateway, maya, first=5, after=first["pageInfo"]["endCursor"])
    third = await invoices(gateway, maya, first=5, after=second["pageInfo"]["endCursor"])

    assert len(everything) == 14
    assert first["edges"][0]["node"]["number"].endswith("-0014")
    assert ids(first) + ids(second) + ids(third) == everything
    assert [page["pageInfo"]["hasNextPage"] for page in (first, second, third)] == [True, True, False]
    assert [page["pageInfo"]["hasPreviousPage"] for page in (first, second, third)] == [False, True, True]
    assert first["pageInfo"]["startCursor"] == everything[0]
    assert third["pageInfo"]["endCursor"] == everything[-1]
    assert all(edge["cursor"] == edge["node"]["id"] for edge in second["edges"])
    assert sandbox.calls() == {"GET /v1/customers/{id}": 3, "GET /v1/invoices": 3}


VIEWER_INVOICES = """
query($after: String) {
  viewer { customer { invoices(first: 10, after: $after) { edges { node { id } } pageInfo { endCursor } } } }
}
"""


async def test_a_customer_session_pages_its_invoices_at_one_stripe_call_a_page(
    sandbox, gateway, maya
) -> None:
    session = session_for(maya)
    everything = ids(await invoices(gateway, maya, first=100))
    sandbox.reset_calls()

    shown: list[str] = []
    after = None
    for _ in range(3):
        result = await run(gateway, VIEWER_INVOICES, {"after": after}, principal=session)
        assert result.errors is None, result.errors
        assert result.data is not None
        connection = result.data["viewer"]["customer"]["invoices"]
        shown += ids(connection)
        after = connection["pageInfo"]["endCursor"] or after

    assert shown == everything
    # The session names its customer: nothing but the invoices is read, the customer itself is not.
    assert sandbox.calls() == {"GET /v1/invoices": 3}


async def test_paging_backward_from_a_cursor(gateway, maya) -> None:
    everything = ids(await invoices(gateway, maya, first=100))

    middle = await invoices(gateway, maya, last=5, before=everything[10])
    start = await invoices(gateway, maya, last=5, before=everything[2])

    assert ids(middle) == everything[5:10]
    assert middle["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": True,
        "startCursor": everything[5],
        "endCursor": everything[9],
    }
    assert ids(start) == everything[:2]
    assert start["pageInfo"]["hasPreviousPage"] is False


async def test_filtering_by_status(sandbox, gateway) -> None:
    diego = next(c for c in sandbox.state.store.iter_type("customer") if c["name"] == "Diego Alvarez")

    open_invoices = await invoices(gateway, diego["id"], first=100, status="OPEN")
    paid = await invoices(gateway, diego["id"], first=100, status="PAID")

    assert [edge["node"]["status"] for edge in open_invoices["edges"]] == ["OPEN"]
    assert paid["edges"]
    assert {edge["node"]["status"] for edge in paid["edges"]} == {"PAID"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"first": 0}, "`first` must be between 1 and 100."),
        ({"first": 101}, "`first` must be between 1 and 100."),
        ({"first": 5, "last": 5, "before": "in_x"}, "Pass either `first` or `last`, not both."),
        ({"last": 5}, "`last` pages backward from a cursor: pass `before` with it."),
        ({"after": "in_a", "before": "in_b"}, "Pass either `after` or `before`, not both."),
        ({"first": 5, "before": "in_b"}, "`before` goes with `last`; `after` goes with `first`."),
    ],
)
async def test_page_arguments_stripe_cannot_serve_are_refused(
    sandbox, gateway, maya, arguments, message
) -> None:
    sandbox.reset_calls()

    result = await run(gateway, INVOICES, {"id": maya, **arguments})

    assert [(error.message, error.extensions) for error in result.errors or []] == [
        (message, {"code": "BAD_USER_INPUT"})
    ]
    assert "GET /v1/invoices" not in sandbox.calls()


UPCOMING = """
query($id: ID!) {
  customer(id: $id) {
    upcomingInvoice { isPreview subscription { id } total { amount } }
    subscriptions { id upcomingInvoice { total { amount } } }
  }
}
"""
PREVIEW = "POST /v1/invoices/create_preview"


async def upcoming(gateway: Any, customer_id: str) -> dict[str, Any]:
    result = await run(gateway, UPCOMING, {"id": customer_id})
    assert result.errors is None, result.errors
    assert result.data is not None
    customer: dict[str, Any] = result.data["customer"]
    return customer


async def test_the_customer_s_next_invoice_is_that_of_the_subscription_renewing_first(
    sandbox, gateway, stripe_client, maya
) -> None:
    product = await stripe_client.v1.products.create_async({"name": "Weekly report"})
    weekly = await stripe_client.v1.prices.create_async(
        {"product": product.id, "currency": "usd", "unit_amount": 500, "recurring": {"interval": "week"}}
    )
    added = await stripe_client.v1.subscriptions.create_async(
        {"customer": maya, "items": [{"price": weekly.id}]}
    )
    sandbox.reset_calls()

    customer = await upcoming(gateway, maya)

    # Stripe previews one subscription at a time: the weekly one renews before the monthly plan.
    assert customer["upcomingInvoice"] == {
        "isPreview": True,
        "subscription": {"id": added.id},
        "total": {"amount": 500},
    }
    by_subscription = {s["id"]: s["upcomingInvoice"]["total"]["amount"] for s in customer["subscriptions"]}
    assert by_subscription[added.id] == 500
    assert len(by_subscription) == 2
    assert sandbox.calls()[PREVIEW] == 2  # the customer's next invoice is one of the two previews


async def test_no_next_invoice_once_every_subscription_ends_with_its_period(
    sandbox, gateway, stripe_client, maya
) -> None:
    [subscription] = (await stripe_client.v1.subscriptions.list_async({"customer": maya})).data
    await stripe_client.v1.subscriptions.update_async(subscription.id, {"cancel_at_period_end": True})
    sandbox.reset_calls()

    customer = await upcoming(gateway, maya)

    assert customer["upcomingInvoice"] is None
    assert customer["subscriptions"] == [{"id": subscription.id, "upcomingInvoice": None}]
    assert PREVIEW not in sandbox.calls()
