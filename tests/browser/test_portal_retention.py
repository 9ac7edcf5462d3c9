"""Keeping customers in the hosted portal page, in headless Chromium: the cancel dialog's retention offer
taken or declined, shown once, a reason no offer answers; pausing for a configured length, the paused
plan's state, resuming now, and payments resuming by themselves on the sandbox clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from playwright.async_api import expect

from tests.browser.fixtures import BROWSER_LOOP, WEBHOOK_SECRET, screenshot
from tests.browser.test_portal_page import maya, open_portal, subscription_of

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tests.browser.fixtures import PortalLinks, PortalServer
    from tests.fixtures.sandbox import SandboxHandle

pytestmark = BROWSER_LOOP

CREATE_OFFER = """
mutation ($input: CreateRetentionOfferInput!) {
  createRetentionOffer(input: $input) { offer { id coupon { couponId } } userErrors { code message } }
}
"""
HALF_OFF = {
    "name": "50% off for 3 months",
    "kind": "COUPON",
    "percentOff": 50,
    "duration": "REPEATING",
    "durationInMonths": 3,
    "reasons": ["TOO_EXPENSIVE"],
}


async def make_offer(portal_links: PortalLinks, offer: dict[str, Any]) -> dict[str, Any]:
    body = await portal_links.graphql(CREATE_OFFER, {"input": offer})
    payload = body["data"]["createRetentionOffer"]
    assert payload["userErrors"] == []
    made: dict[str, Any] = payload["offer"]
    return made


def long_date(timestamp: int) -> str:
    """A date as the page writes it in English: "January 6, 2027"."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return f"{moment:%B} {moment.day}, {moment.year}"


async def start_cancelling(page: Page, reason: re.Pattern[str]) -> Any:
    await page.get_by_role("button", name="Cancel plan Pro").click()
    dialog = page.get_by_role("dialog", name="Cancel plan")
    await dialog.get_by_label(reason).check()
    await dialog.get_by_role("button", name="Cancel plan").click()
    return dialog


async def test_a_customer_who_finds_it_too_expensive_takes_the_offer_and_keeps_the_plan(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    offer = await make_offer(portal_links, HALF_OFF)
    customer_id = maya(sandbox)["id"]
    await open_portal(page, portal_links, customer_id)

    dialog = await start_cancelling(page, re.compile("too expensive"))
    await expect(dialog.get_by_role("heading", name="50% off for 3 months")).to_be_focused()
    await expect(dialog).to_contain_text("50% off your invoices for 3 months.")
    await screenshot(page, "retention-offer")
    await dialog.get_by_role("button", name="Accept offer").click()

    await expect(page.get_by_role("status")).to_have_text(
        "50% off for 3 months: done. Your Pro plan continues."
    )
    subscription = subscription_of(sandbox, customer_id)
    assert subscription["cancel_at_period_end"] is False
    [discount] = [sandbox.state.store.get(d, "discount") for d in subscription["discounts"]]
    assert discount["source"]["coupon"] == offer["coupon"]["couponId"]
    await expect(page.locator("#subscriptions article")).to_contain_text("Renews on December 15, 2026.")


async def test_declining_the_offer_cancels_and_it_is_not_offered_again(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    await make_offer(portal_links, HALF_OFF)
    customer_id = maya(sandbox)["id"]
    await open_portal(page, portal_links, customer_id)

    dialog = await start_cancelling(page, re.compile("too expensive"))
    await dialog.get_by_role("button", name="No thanks, cancel plan").click()

    status = page.get_by_role("status")
    await expect(status).to_have_text("Your Pro plan will be canceled on December 15, 2026.")
    subscription = subscription_of(sandbox, customer_id)
    assert subscription["cancel_at_period_end"] is True
    assert subscription["cancellation_details"]["feedback"] == "too_expensive"
    assert subscription["discounts"] == []

    plan = page.locator("#subscriptions article")
    await plan.get_by_role("button", name="Renew plan Pro").click()
    await expect(status).to_have_text("Your Pro plan will renew on December 15, 2026.")
    await start_cancelling(page, re.compile("too expensive"))  # had the offer once: straight to cancelling
    await expect(status).to_have_text("Your Pro plan will be canceled on December 15, 2026.")


async def test_a_reason_no_offer_answers_cancels_straight_away(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    await make_offer(portal_links, HALF_OFF)
    customer_id = maya(sandbox)["id"]
    await open_portal(page, portal_links, customer_id)

    dialog = await start_cancelling(page, re.compile("features are missing"))

    await expect(page.get_by_role("status")).to_have_text(
        "Your Pro plan will be canceled on December 15, 2026."
    )
    await expect(dialog).not_to_be_visible()
    assert subscription_of(sandbox, customer_id)["cancellation_details"]["feedback"] == "missing_features"


async def test_pausing_for_a_configured_length_then_resuming_now(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    await open_portal(page, portal_links, customer_id)

    await page.get_by_role("button", name="Pause plan Pro").click()
    dialog = page.get_by_role("dialog", name="Pause payments")
    await expect(dialog.get_by_role("radio")).to_have_count(2)  # the demo offers 1 and 3 months
    await dialog.get_by_label("3 months").check()
    await expect(dialog).to_contain_text(
        re.compile(r"Payments pause until .+\. Your next payment, \$30\.00, is on")
    )
    await screenshot(page, "pause")
    await dialog.get_by_role("button", name="Pause payments").click()

    await expect(page.get_by_role("status")).to_contain_text("Your Pro plan is paused until")
    pause = subscription_of(sandbox, customer_id)["pause_collection"]
    resumes = long_date(pause["resumes_at"])
    await expect(page.get_by_role("status")).to_have_text(f"Your Pro plan is paused until {resumes}.")
    plan = page.locator("#subscriptions article")
    await expect(plan).to_contain_text(f"Paused until {resumes}, resumes at $30.00.")
    await expect(plan.get_by_role("button", name="Pause plan Pro")).to_have_count(0)
    await screenshot(page, "paused")

    await plan.get_by_role("button", name="Resume now Pro").click()

    await expect(page.get_by_role("status")).to_contain_text("Your Pro plan's payments have resumed")
    assert subscription_of(sandbox, customer_id)["pause_collection"] is None
    await expect(plan).to_contain_text("Renews on")


async def test_payments_resume_by_themselves_on_the_sandbox_clock(
    page: Page, portal_links: PortalLinks, portal_server: PortalServer, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    await open_portal(
        page,
        portal_links,
        customer_id,
        flow={"type": "SUBSCRIPTION_PAUSE", "subscriptionId": subscription_of(sandbox, customer_id)["id"]},
    )
    dialog = page.get_by_role("dialog", name="Pause payments")
    await expect(dialog).to_contain_text("Your next payment")
    await dialog.get_by_role("button", name="Pause payments").click()
    await expect(page.locator("#subscriptions article")).to_contain_text("Paused until")

    # Stripe tells the API when payments resume (`customer.subscription.updated`): its cached read goes.
    endpoint = {"url": f"{portal_server.url}/webhooks/stripe", "secret": WEBHOOK_SECRET}
    assert sandbox.admin.post("/_sandbox/webhooks", json=endpoint).status_code == 200
    resumes_at = subscription_of(sandbox, customer_id)["pause_collection"]["resumes_at"]
    sandbox.advance(resumes_at - sandbox.now() + 3600)
    assert sandbox.admin.post("/_sandbox/webhooks/drain").status_code == 200
    await page.reload()

    plan = page.locator("#subscriptions article")
    await expect(plan).to_contain_text("Renews on")
    await expect(plan).not_to_contain_text("Paused")
    await expect(plan.get_by_role("button", name="Pause plan Pro")).to_be_visible()
