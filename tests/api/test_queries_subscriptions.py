"""Subscriptions in every state the demo holds, their periods, cancellation, invoices and plan changes."""

from __future__ import annotations

from typing import Any

from tests.fixtures.operations import execute, session_for

SUBSCRIPTIONS = """
query($id: ID!, $status: [SubscriptionStatus!]) {
  customer(id: $id) {
    subscriptions(status: $status) {
      status
      currentPeriodStart
      currentPeriodEnd
      cancelAtPeriodEnd
      cancelAt
      canceledAt
      endedAt
      trialStart
      trialEnd
      cancellationDetails { reason feedback comment }
      latestInvoice { status amountRemaining { formatted } }
      upcomingInvoice { total { formatted } }
      allowedPlanChanges { lookupKey }
    }
  }
}
"""


def customer_named(sandbox: Any, name: str) -> str:
    return str(next(c["id"] for c in sandbox.state.store.iter_type("customer") if c["name"] == name))


async def subscription_of(gateway: Any, customer_id: str, status: list[str] | None = None) -> dict[str, Any]:
    data = await execute(gateway, SUBSCRIPTIONS, {"id": customer_id, "status": status})
    [subscription] = data["customer"]["subscriptions"]
    return dict(subscription)


async def test_a_trial_shows_its_dates_and_the_first_bill(sandbox, gateway) -> None:
    trial = await subscription_of(gateway, customer_named(sandbox, "Priya Raman"))

    assert trial["status"] == "TRIALING"
    assert (trial["trialStart"], trial["trialEnd"]) == ("2026-11-10T11:00:00Z", "2026-11-24T11:00:00Z")
    assert trial["currentPeriodEnd"] == trial["trialEnd"]
    assert trial["latestInvoice"] == {"status": "PAID", "amountRemaining": {"formatted": "$0.00"}}
    assert trial["upcomingInvoice"] == {"total": {"formatted": "$30.00"}}


async def test_a_past_due_subscription_shows_its_open_invoice(sandbox, gateway) -> None:
    past_due = await subscription_of(gateway, customer_named(sandbox, "Diego Alvarez"))

    assert past_due["status"] == "PAST_DUE"
    assert past_due["latestInvoice"] == {"status": "OPEN", "amountRemaining": {"formatted": "$30.00"}}
    assert past_due["allowedPlanChanges"] == []  # the portal changes plans of active or trialing ones only


async def test_a_subscription_canceling_at_period_end_bills_nothing_more(sandbox, gateway) -> None:
    amara = customer_named(sandbox, "Amara Okafor")
    sandbox.reset_calls()

    canceling = await subscription_of(gateway, amara)

    assert canceling["status"] == "ACTIVE"
    assert canceling["cancelAtPeriodEnd"] is True
    assert canceling["cancelAt"] == canceling["currentPeriodEnd"] == "2026-11-18T10:00:00Z"
    assert canceling["cancellationDetails"] == {
        "reason": "CANCELLATION_REQUESTED",
        "feedback": "TOO_EXPENSIVE",
        "comment": "We're consolidating tools for now.",
    }
    assert canceling["upcomingInvoice"] is None
    assert canceling["allowedPlanChanges"] == []
    assert "POST /v1/invoices/create_preview" not in sandbox.calls()  # known without asking Stripe


async def test_canceled_subscriptions_appear_only_when_asked_for(sandbox, gateway) -> None:
    liam = customer_named(sandbox, "Liam O'Brien")

    default = await execute(gateway, SUBSCRIPTIONS, {"id": liam, "status": None})
    canceled = await subscription_of(gateway, liam, ["CANCELED"])

    assert default["customer"]["subscriptions"] == []
    assert canceled["status"] == "CANCELED"
    assert canceled["canceledAt"] == canceled["endedAt"] == "2026-09-16T07:00:00Z"
    assert canceled["cancellationDetails"]["feedback"] == "SWITCHED_SERVICE"
    assert canceled["upcomingInvoice"] is None


async def test_plan_changes_stay_in_the_subscriptions_currency(sandbox, gateway) -> None:
    haruto = await subscription_of(gateway, customer_named(sandbox, "Haruto Sato"))

    assert [price["lookupKey"] for price in haruto["allowedPlanChanges"]] == [
        "starter_monthly_jpy",
        "starter_yearly_jpy",
        "pro_yearly_jpy",
        "business_monthly_jpy",
        "business_yearly_jpy",
    ]
    assert haruto["upcomingInvoice"] == {"total": {"formatted": "¥3,000"}}


async def test_a_multi_item_subscription_changes_its_plan_and_keeps_its_add_on(sandbox, gateway) -> None:
    sofia = await subscription_of(gateway, customer_named(sandbox, "Sofia Rossi"))

    # Her plan (Business) may move to the other plans in USD; the seat add-on is not a plan to move to.
    assert [price["lookupKey"] for price in sofia["allowedPlanChanges"]] == [
        "starter_monthly",
        "starter_yearly",
        "pro_monthly",
        "pro_yearly",
        "business_yearly",
    ]


async def test_invoices_and_subscriptions_lead_back_to_their_customer(sandbox, gateway) -> None:
    maya = customer_named(sandbox, "Maya Chen")
    session = session_for(maya)
    query = """
    {
      viewer {
        customer {
          subscriptions { customer { name } latestInvoice { subscription { status customer { email } } } }
        }
      }
    }
    """

    data = await execute(gateway, query, principal=session)

    [subscription] = data["viewer"]["customer"]["subscriptions"]
    assert subscription == {
        "customer": {"name": "Maya Chen"},
        "latestInvoice": {
            "subscription": {"status": "ACTIVE", "customer": {"email": "maya.chen@example.com"}}
        },
    }
