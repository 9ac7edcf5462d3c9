"""Seats and add-ons on the hosted page, in headless Chromium: an add-on added with its quantity, then its
seats stepped down, each previewed before confirming and billed as previewed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from playwright.async_api import expect

from stripe_sandbox.seed import demo_customer
from tests.browser.fixtures import BROWSER_LOOP, screenshot
from tests.browser.test_portal_page import dollars, invoices_of, open_portal, price_id, subscription_of

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tests.browser.fixtures import PortalLinks
    from tests.fixtures.sandbox import SandboxHandle

pytestmark = BROWSER_LOOP


def bill_changes_now(sandbox: SandboxHandle) -> None:
    configurations = sandbox.state.store.iter_type("billing_portal.configuration")
    default: dict[str, Any] = next(c for c in configurations if c["is_default"])
    default["features"]["subscription_update"]["proration_behavior"] = "always_invoice"


async def test_seats_are_added_then_stepped_down_each_as_previewed(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    bill_changes_now(sandbox)
    maya = demo_customer(sandbox.state.store)["id"]
    seat = price_id(sandbox, "seat_monthly")
    await open_portal(page, portal_links, maya)

    await page.get_by_role("button", name="Change plan Pro").click()
    dialog = page.get_by_role("dialog", name="Change plan")
    await dialog.get_by_label("Add Additional seat").check()
    seats = dialog.get_by_label("How many of Additional seat")
    await expect(seats).to_have_value("1")
    await dialog.get_by_role("button", name="One more").click()
    await dialog.get_by_role("button", name="One more").click()
    await expect(seats).to_have_value("3")
    await screenshot(page, "seats-add")
    await dialog.get_by_role("button", name="Review change").click()
    summary = dialog.locator("#plan-summary")
    await expect(summary).to_contain_text("You pay")
    shown = await summary.inner_text()
    await dialog.get_by_role("button", name="Confirm change").click()

    await expect(page.get_by_role("status")).to_have_text("Your plan has been updated.")
    items = subscription_of(sandbox, maya)["items"]["data"]
    assert [(item["price"]["id"], item["quantity"]) for item in items][1:] == [(seat, 3)]
    charged = invoices_of(sandbox, maya)[0]
    assert shown.startswith(f"You pay {dollars(charged['amount_paid'])} now"), shown
    await expect(page.locator("#subscriptions article")).to_contain_text("Additional seat")

    # Fewer seats: a credit, said in words, taken off the next invoice.
    await page.get_by_role("button", name="Change plan Pro").click()
    stepper = dialog.get_by_label("Additional seat")
    await expect(stepper.first).to_have_value("3")
    await dialog.get_by_role("button", name="One fewer").click()
    await dialog.get_by_role("button", name="Review change").click()
    await expect(summary).to_contain_text("You pay $0.00 now")
    await expect(summary).to_contain_text("You get a credit of")
    await screenshot(page, "seats-credit")
    await dialog.get_by_role("button", name="Confirm change").click()

    await expect(dialog).to_be_hidden()
    await expect(page.locator("#upcoming")).to_contain_text("applied from your balance")
    items = subscription_of(sandbox, maya)["items"]["data"]
    assert items[1]["quantity"] == 2
    assert sandbox.state.store.get(maya, "customer")["balance"] < 0


async def test_a_seat_count_outside_the_range_is_refused_in_the_customer_s_words(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    maya = demo_customer(sandbox.state.store)["id"]
    await open_portal(page, portal_links, maya)

    await page.get_by_role("button", name="Change plan Pro").click()
    dialog = page.get_by_role("dialog", name="Change plan")
    await dialog.get_by_label("Add Additional seat").check()
    await dialog.get_by_label("How many of Additional seat").fill("80")
    await dialog.get_by_role("button", name="Review change").click()

    await expect(dialog.get_by_role("alert")).to_have_text("You can have between 1 and 50 seats.")
    assert len(subscription_of(sandbox, maya)["items"]["data"]) == 1


async def test_fewer_seats_left_for_the_period_end_say_so_and_change_nothing_yet(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    configurations = sandbox.state.store.iter_type("billing_portal.configuration")
    default: dict[str, Any] = next(c for c in configurations if c["is_default"])
    conditions = [{"type": "decreasing_item_amount"}]
    default["features"]["subscription_update"]["schedule_at_period_end"] = {"conditions": conditions}
    maya = demo_customer(sandbox.state.store)
    await open_portal(page, portal_links, maya["id"])

    await page.get_by_role("button", name="Change plan Pro").click()
    dialog = page.get_by_role("dialog", name="Change plan")
    await dialog.get_by_label("Starter $10.00 per month").check()
    await dialog.get_by_role("button", name="Review change").click()
    summary = dialog.locator("#plan-summary")
    await expect(summary).to_contain_text("Your plan changes on December 15, 2026; from then you pay $10.00.")
    await dialog.get_by_role("button", name="Confirm change").click()

    await expect(page.locator("#subscriptions article")).to_contain_text(
        "Your plan changes on December 15, 2026."
    )
    subscription = subscription_of(sandbox, maya["id"])
    assert subscription["schedule"] is not None
    assert subscription["items"]["data"][0]["price"]["id"] == price_id(sandbox, "pro_monthly")
    await expect(page.get_by_role("button", name="Change plan Pro")).to_have_count(0)


async def test_cancelling_now_says_the_credit_and_the_balance_holds_it(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    configurations = sandbox.state.store.iter_type("billing_portal.configuration")
    default: dict[str, Any] = next(c for c in configurations if c["is_default"])
    default["features"]["subscription_cancel"].update(
        mode="immediately", proration_behavior="create_prorations"
    )
    maya = demo_customer(sandbox.state.store)
    await open_portal(page, portal_links, maya["id"])

    await page.get_by_role("button", name="Cancel plan Pro").click()
    dialog = page.get_by_role("dialog", name="Cancel plan")
    await expect(dialog).to_contain_text("You get a credit of $")
    credit = re.search(r"credit of (\$[\d,]+\.\d\d)", await dialog.locator("#cancel-summary").inner_text())
    await dialog.get_by_role("button", name="Cancel plan now").click()

    await expect(page.get_by_role("status")).to_have_text("Your Pro plan has been canceled.")
    assert credit is not None
    assert dollars(-sandbox.state.store.get(maya["id"], "customer")["balance"]) == credit.group(1)
