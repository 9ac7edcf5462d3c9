"""Seats and add-ons over HTTP against the sandbox: several item edits previewed and made as one change, at
the previewed price, within the configuration's quantities; credits and the balance they leave."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripe_sandbox.resources.catalog import new_price
from stripe_sandbox.resources.subscriptions import ItemSpec, new_subscription
from tests.api.mutation_support import (
    HARUTO,
    MAYA,
    SOFIA,
    customer_id,
    mutate,
    portal_configuration,
    price_id,
    subscription,
)
from tests.fixtures.app import graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

PREVIEW = """
preview {
  prorationDate
  effectiveAt
  amountDueNow { amount currency }
  credit { amount currency formatted }
  balanceAppliedNow { amount }
  prorationLines { amount { amount } }
  nextInvoice { total { amount currency } }
}
"""
CHANGED = """
subscription { items { price { id } quantity } latestInvoice { amountPaid { amount currency } } }
"""
DAY = 86_400


def bill_changes_now(sandbox: SandboxHandle) -> None:
    portal_configuration(sandbox)["features"]["subscription_update"]["proration_behavior"] = "always_invoice"


def items_of(sandbox: SandboxHandle, name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = subscription(sandbox, name)["items"]["data"]
    return items


async def preview(
    api: httpx.AsyncClient, token: str, subscription_id: str, items: list[dict[str, Any]]
) -> dict[str, Any]:
    return await mutate(
        api, "previewPlanChange", {"subscriptionId": subscription_id, "items": items}, token, PREVIEW
    )


async def change(
    api: httpx.AsyncClient, token: str, subscription_id: str, items: list[dict[str, Any]], **more: Any
) -> dict[str, Any]:
    return await mutate(
        api, "changePlan", {"subscriptionId": subscription_id, "items": items, **more}, token, CHANGED
    )


def errors(payload: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [(e["code"], e["message"], e["field"]) for e in payload["userErrors"]]


async def test_a_new_plan_and_more_seats_in_one_change_charge_exactly_what_was_previewed(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    bill_changes_now(sandbox)
    token = await tokens.customer_session(customer_id(sandbox, SOFIA))
    subscription_id = subscription(sandbox, SOFIA)["id"]
    plan, seats = items_of(sandbox, SOFIA)
    pro = price_id(sandbox, "pro_monthly")
    edits = [{"itemId": plan["id"], "priceId": pro}, {"itemId": seats["id"], "quantity": 15}]
    sandbox.reset_calls()

    shown = await preview(api, token, subscription_id, edits)
    calls = sandbox.calls()
    sandbox.advance(DAY)  # a day later the same change would cost less
    changed = await change(
        api, token, subscription_id, edits, prorationDate=shown["preview"]["prorationDate"]
    )

    assert shown["userErrors"] == []
    assert shown["preview"]["effectiveAt"] is None  # at once
    # Business $90 -> Pro $30 is a downgrade, ten more seats at $8 an upgrade: the net is charged now.
    assert shown["preview"]["amountDueNow"]["amount"] > 0
    assert shown["preview"]["credit"]["amount"] == 0
    assert shown["preview"]["nextInvoice"]["total"] == {"amount": 3000 + 15 * 800, "currency": "usd"}
    assert changed["userErrors"] == []
    assert changed["subscription"]["items"] == [
        {"price": {"id": pro}, "quantity": 1},
        {"price": {"id": seats["price"]["id"]}, "quantity": 15},
    ]
    assert changed["subscription"]["latestInvoice"]["amountPaid"] == shown["preview"]["amountDueNow"]
    # The subscription, the configuration, the catalog (prices with their products), then the preview
    # of the change and of the renewal after it.
    assert calls == {
        "GET /v1/subscriptions/{id}": 1,
        "GET /v1/billing_portal/configurations": 1,
        "GET /v1/prices": 1,
        "POST /v1/invoices/create_preview": 2,
    }


async def test_adding_seats_and_changing_plan_in_yen_charges_the_previewed_yen(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    bill_changes_now(sandbox)
    store = sandbox.state.store
    seat_product = store.get(price_id(sandbox, "seat_monthly"), "price")["product"]
    seat_jpy = new_price(
        store, product=seat_product, unit_amount=900, currency="jpy", interval="month", lookup_key="seat_jpy"
    )
    offered = portal_configuration(sandbox)["features"]["subscription_update"]["products"]
    next(p for p in offered if p["product"] == seat_product)["prices"].append(seat_jpy["id"])
    token = await tokens.customer_session(customer_id(sandbox, HARUTO))
    subscription_id = subscription(sandbox, HARUTO)["id"]
    [plan] = items_of(sandbox, HARUTO)
    business = price_id(sandbox, "business_monthly_jpy")
    edits = [{"itemId": plan["id"], "priceId": business}, {"priceId": seat_jpy["id"], "quantity": 3}]

    shown = await preview(api, token, subscription_id, edits)
    sandbox.advance(DAY)
    changed = await change(
        api, token, subscription_id, edits, prorationDate=shown["preview"]["prorationDate"]
    )

    assert shown["userErrors"] == []
    due = shown["preview"]["amountDueNow"]
    assert due["currency"] == "jpy"
    assert 0 < due["amount"] < (9000 - 3000) + 3 * 900  # the rest of the month, in whole yen
    assert changed["userErrors"] == []
    assert changed["subscription"]["latestInvoice"]["amountPaid"] == due
    assert [(i["price"]["id"], i["quantity"]) for i in changed["subscription"]["items"]] == [
        (business, 1),
        (seat_jpy["id"], 3),
    ]


async def test_seats_outside_the_configured_range_are_refused_in_the_customer_s_words(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, SOFIA))
    subscription_id = subscription(sandbox, SOFIA)["id"]
    plan, seats = items_of(sandbox, SOFIA)
    sandbox.reset_calls()

    too_many = await preview(api, token, subscription_id, [{"itemId": seats["id"], "quantity": 51}])
    plan_quantity = await change(api, token, subscription_id, [{"itemId": plan["id"], "quantity": 2}])
    plan_removed = await change(api, token, subscription_id, [{"itemId": plan["id"], "remove": True}])
    twice = await change(
        api, token, subscription_id, [{"itemId": seats["id"], "quantity": 2}, {"itemId": seats["id"]}]
    )
    unknown_item = await change(api, token, subscription_id, [{"itemId": "si_doesnotexist", "quantity": 2}])
    too_long = await change(api, token, subscription_id, [{"itemId": seats["id"]}] * 21)
    both_forms = await change(
        api, token, subscription_id, [{"itemId": seats["id"]}], priceId=seats["price"]["id"]
    )

    assert errors(too_many) == [
        ("QUANTITY_NOT_ALLOWED", "You can have between 1 and 50 seats.", ["input", "items", "0", "quantity"])
    ]
    assert errors(plan_quantity)[0][0::2] == ("QUANTITY_NOT_ALLOWED", ["input", "items", "0", "quantity"])
    assert errors(plan_removed)[0][0::2] == ("PRICE_NOT_ALLOWED", ["input", "items", "0", "remove"])
    assert errors(twice)[0][0::2] == ("INVALID_INPUT", ["input", "items"])
    assert errors(unknown_item)[0][0::2] == ("NOT_FOUND", ["input", "items", "0", "itemId"])
    assert errors(too_long)[0][0::2] == ("INVALID_INPUT", ["input", "items"])
    assert errors(both_forms)[0][0::2] == ("INVALID_INPUT", ["input", "items"])
    assert [call for call in sandbox.calls() if not call.startswith("GET ")] == []


async def test_removing_seats_leaves_a_credit_which_the_next_invoice_takes(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    bill_changes_now(sandbox)
    token = await tokens.customer_session(customer_id(sandbox, SOFIA))
    subscription_id = subscription(sandbox, SOFIA)["id"]
    _, seats = items_of(sandbox, SOFIA)
    edits = [{"itemId": seats["id"], "remove": True}]

    shown = await preview(api, token, subscription_id, edits)
    changed = await change(
        api, token, subscription_id, edits, prorationDate=shown["preview"]["prorationDate"]
    )
    body = await graphql(
        api,
        "{ viewer { customer { balance { amount } upcomingInvoices { total { amount } "
        "balanceApplied { amount } amountDue { amount } } } } }",
        token=token,
    )

    credit = shown["preview"]["credit"]
    assert shown["preview"]["amountDueNow"]["amount"] == 0  # a credit, never a negative amount due
    assert 0 < credit["amount"] < 5 * 800
    assert changed["userErrors"] == []
    assert len(changed["subscription"]["items"]) == 1
    customer = body["data"]["viewer"]["customer"]
    assert customer["balance"] == {"amount": -credit["amount"]}
    [upcoming] = customer["upcomingInvoices"]
    assert upcoming["total"] == {"amount": 9000}
    assert upcoming["balanceApplied"] == {"amount": credit["amount"]}  # "applied from your balance"
    assert upcoming["amountDue"] == {"amount": 9000 - credit["amount"]}


async def test_a_credit_balance_is_applied_to_what_a_change_charges_now(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    bill_changes_now(sandbox)
    sandbox.state.store.get(customer_id(sandbox, SOFIA), "customer")["balance"] = -1000
    token = await tokens.customer_session(customer_id(sandbox, SOFIA))
    subscription_id = subscription(sandbox, SOFIA)["id"]
    _, seats = items_of(sandbox, SOFIA)
    edits = [{"itemId": seats["id"], "quantity": 20}]

    shown = await preview(api, token, subscription_id, edits)
    changed = await change(
        api, token, subscription_id, edits, prorationDate=shown["preview"]["prorationDate"]
    )

    preview_ = shown["preview"]
    assert preview_["balanceAppliedNow"] == {"amount": 1000}
    charged = sum(line["amount"]["amount"] for line in preview_["prorationLines"])
    assert preview_["amountDueNow"]["amount"] == charged - 1000
    assert changed["subscription"]["latestInvoice"]["amountPaid"] == preview_["amountDueNow"]


async def test_the_page_is_told_which_quantities_and_add_ons_are_allowed(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    query = """
    {
      viewer { customer { subscriptions {
        items { quantity quantityRange { minimum maximum } removable }
        availableAddOns { price { lookupKey } quantityRange { minimum maximum } }
        actions { changePlan { allowed } }
      } } }
    }
    """

    sofia = await graphql(api, query, token=await tokens.customer_session(customer_id(sandbox, SOFIA)))
    maya = await graphql(api, query, token=await tokens.customer_session(customer_id(sandbox, MAYA)))

    [with_seats] = sofia["data"]["viewer"]["customer"]["subscriptions"]
    assert with_seats["items"] == [
        {"quantity": 1, "quantityRange": None, "removable": False},
        {"quantity": 5, "quantityRange": {"minimum": 1, "maximum": 50}, "removable": True},
    ]
    assert with_seats["availableAddOns"] == []  # the seats are there already
    [plan_only] = maya["data"]["viewer"]["customer"]["subscriptions"]
    assert plan_only["availableAddOns"] == [
        {"price": {"lookupKey": "seat_monthly"}, "quantityRange": {"minimum": 1, "maximum": 50}}
    ]
    assert plan_only["actions"]["changePlan"]["allowed"] is True


async def test_every_renewing_subscription_shows_its_upcoming_invoice_in_one_round_trip(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya = customer_id(sandbox, MAYA)
    first = subscription(sandbox, MAYA)["id"]
    store = sandbox.state.store
    seats = store.get(price_id(sandbox, "seat_monthly"), "price")
    second = new_subscription(
        store, customer=maya, items=[ItemSpec(seats, 2)], created=sandbox.now() - 3 * DAY
    )
    token = await tokens.customer_session(maya)
    query = "{ viewer { customer { upcomingInvoices { created total { amount } subscription { id } } } } }"
    sandbox.reset_calls()

    body = await graphql(api, query, token=token)

    invoices = body["data"]["viewer"]["customer"]["upcomingInvoices"]
    assert len(invoices) == 2
    assert [invoice["created"] for invoice in invoices] == sorted(invoice["created"] for invoice in invoices)
    by_subscription = {invoice["subscription"]["id"]: invoice["total"]["amount"] for invoice in invoices}
    assert by_subscription[second["id"]] == 2 * 800
    assert by_subscription[first] == 3000  # Pro monthly
    assert sandbox.calls()["POST /v1/invoices/create_preview"] == 2


async def test_fewer_seats_wait_for_the_period_end_when_the_configuration_says_so(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    update = portal_configuration(sandbox)["features"]["subscription_update"]
    update["schedule_at_period_end"] = {"conditions": [{"type": "decreasing_item_amount"}]}
    token = await tokens.customer_session(customer_id(sandbox, SOFIA))
    current = subscription(sandbox, SOFIA)
    _, seats = items_of(sandbox, SOFIA)
    edits = [{"itemId": seats["id"], "quantity": 2}]

    shown = await preview(api, token, current["id"], edits)
    sandbox.reset_calls()
    changed = await change(api, token, current["id"], edits)
    calls = sandbox.calls()
    again = await change(api, token, current["id"], [{"itemId": seats["id"], "quantity": 3}])
    renewal = items_of(sandbox, SOFIA)[0]["current_period_end"]
    sandbox.advance(renewal - sandbox.now() + 3600)
    renewed = subscription(sandbox, SOFIA)
    invoice = sandbox.state.store.get(renewed["latest_invoice"], "invoice")

    assert shown["userErrors"] == []
    assert shown["preview"]["amountDueNow"]["amount"] == 0
    assert shown["preview"]["credit"]["amount"] == 0  # nothing is credited: the seats run to the end
    assert shown["preview"]["prorationDate"] is None
    assert shown["preview"]["nextInvoice"]["total"] == {"amount": 9000 + 2 * 800, "currency": "usd"}
    assert shown["preview"]["effectiveAt"] is not None
    assert changed["userErrors"] == []
    assert [i["quantity"] for i in changed["subscription"]["items"]] == [1, 5]  # until the period ends
    # The subscription (from the cache), a schedule made from it, then its phases.
    assert {call: n for call, n in calls.items() if not call.startswith("GET ")} == {
        "POST /v1/subscription_schedules": 1,
        "POST /v1/subscription_schedules/{id}": 1,
    }
    assert [e["code"] for e in again["userErrors"]] == ["CHANGE_SCHEDULED"]
    assert [i["quantity"] for i in renewed["items"]["data"]] == [1, 2]
    assert invoice["total"] == shown["preview"]["nextInvoice"]["total"]["amount"]


async def test_the_configuration_s_cycle_anchor_restarts_the_period_with_the_change(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    portal_configuration(sandbox)["features"]["subscription_update"]["billing_cycle_anchor"] = "now"
    token = await tokens.customer_session(customer_id(sandbox, SOFIA))
    current = subscription(sandbox, SOFIA)
    _, seats = items_of(sandbox, SOFIA)
    edits = [{"itemId": seats["id"], "quantity": 8}]

    shown = await preview(api, token, current["id"], edits)
    changed = await change(api, token, current["id"], edits, prorationDate=shown["preview"]["prorationDate"])

    assert changed["userErrors"] == []
    after = subscription(sandbox, SOFIA)
    assert after["billing_cycle_anchor"] == sandbox.now()  # a new period from now, billed at once
    assert changed["subscription"]["latestInvoice"]["amountPaid"] == shown["preview"]["amountDueNow"]


async def test_cancelling_now_says_the_credit_it_leaves_which_lands_on_the_balance(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    cancel = portal_configuration(sandbox)["features"]["subscription_cancel"]
    cancel.update(mode="immediately", proration_behavior="create_prorations")
    customer = customer_id(sandbox, SOFIA)
    token = await tokens.customer_session(customer)
    subscription_id = subscription(sandbox, SOFIA)["id"]
    query = """
    query($id: ID!) {
      node(id: $id) { ... on Subscription { actions { cancel { mode credit { amount } } } } }
    }
    """
    sandbox.reset_calls()

    offered = await graphql(api, query, {"id": subscription_id}, token=token)
    calls = sandbox.calls()
    cancelled = await mutate(
        api, "cancelSubscription", {"subscriptionId": subscription_id, "mode": "IMMEDIATELY"}, token
    )

    action = offered["data"]["node"]["actions"]["cancel"]
    assert action["mode"] == "IMMEDIATELY"
    credit = action["credit"]["amount"]
    assert 0 < credit < 9000 + 5 * 800
    assert calls["POST /v1/invoices/create_preview"] == 1
    assert cancelled["userErrors"] == []
    assert sandbox.state.store.get(customer, "customer")["balance"] == -credit
