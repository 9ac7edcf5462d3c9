"""The hosted portal in headless Chromium: billing details (shipping, tax IDs), what follows a deep link's
step (`afterCompletion`), and the pages of links that cannot be used."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from playwright.async_api import expect

from stripe_sandbox.seed import demo_customer
from tests.browser.fixtures import BROWSER_LOOP, screenshot

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tests.browser.fixtures import PortalLinks, PortalServer
    from tests.fixtures.sandbox import SandboxHandle

pytestmark = BROWSER_LOOP


def maya(sandbox: SandboxHandle) -> dict[str, Any]:
    return demo_customer(sandbox.state.store)


def tax_ids_of(sandbox: SandboxHandle, customer_id: str) -> list[dict[str, Any]]:
    store = sandbox.state.store
    return [t for t in store.iter_type("tax_id") if t["customer"] == customer_id and not t.get("deleted")]


def subscription_of(sandbox: SandboxHandle, customer_id: str) -> dict[str, Any]:
    return next(
        s
        for s in sandbox.state.store.iter_type("subscription")
        if s["customer"] == customer_id and s["status"] != "canceled"
    )


async def open_portal(page: Page, portal_links: PortalLinks, customer_id: str, **options: Any) -> None:
    await page.goto(await portal_links.create(customer_id, **options))
    await expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")


async def cancel_from_the_deep_link(page: Page) -> None:
    dialog = page.get_by_role("dialog", name="Cancel plan")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Cancel plan").click()


async def test_the_billing_details_show_the_shipping_address_and_tax_ids(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    await open_portal(page, portal_links, maya(sandbox)["id"])

    details = page.locator("#details-list")
    await expect(details).to_contain_text("Shipping address")
    await expect(details).to_contain_text("1 Ferry Building")
    tax_ids = page.locator("#tax-id-list > li")
    await expect(tax_ids).to_have_count(1)
    await expect(tax_ids).to_contain_text("12-3456789")
    await expect(tax_ids).to_contain_text("US Employer Identification Number (EIN)")
    await screenshot(page, "details-tax-ids")


async def test_a_customer_adds_a_vat_number_sees_stripes_refusal_then_removes_it(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    await open_portal(page, portal_links, customer_id)

    await page.get_by_role("button", name="Add tax ID").click()
    dialog = page.get_by_role("dialog", name="Add tax ID")
    await dialog.get_by_label("Kind").select_option("EU_VAT")
    number = dialog.get_by_label("Number")
    await number.fill("DE12345")
    await dialog.get_by_role("button", name="Add").click()

    await expect(number).to_have_attribute("aria-invalid", "true")
    await expect(dialog.locator("#tax-id-value-error")).to_contain_text("Invalid value for eu_vat")
    await screenshot(page, "tax-id-error")
    await number.fill("DE123456789")
    await dialog.get_by_role("button", name="Add").click()

    await expect(page.get_by_role("status")).to_have_text(
        "EU VAT number DE123456789 was added to your invoices."
    )
    row = page.locator("#tax-id-list > li", has_text="DE123456789")
    await expect(row).to_contain_text("being checked")
    assert {t["value"] for t in tax_ids_of(sandbox, customer_id)} == {"12-3456789", "DE123456789"}

    await row.get_by_role("button", name="Remove").click()
    await page.get_by_role("dialog", name="Remove tax ID?").get_by_role("button", name="Remove").click()

    await expect(page.get_by_role("status")).to_have_text("Tax ID DE123456789 was removed.")
    await expect(page.locator("#tax-id-list > li")).to_have_count(1)
    assert [t["value"] for t in tax_ids_of(sandbox, customer_id)] == ["12-3456789"]


async def test_a_customer_changes_the_shipping_address(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    await open_portal(page, portal_links, customer_id)

    await page.get_by_role("button", name="Update information").click()
    dialog = page.get_by_role("dialog", name="Update billing information")
    await expect(dialog.get_by_label("Shipping address line 1")).to_have_value("1 Ferry Building")
    await dialog.get_by_label("Shipping city").fill("Oakland")
    await dialog.get_by_role("button", name="Save").click()

    await expect(page.get_by_role("status")).to_have_text("Your billing information was updated.")
    shipping = sandbox.state.store.get(customer_id, "customer")["shipping"]
    assert shipping["address"]["city"] == "Oakland"
    assert shipping["address"]["line1"] == "1 Ferry Building", "the shipping address is sent whole"
    assert shipping["name"] == "Maya Chen"


async def test_without_the_configurations_leave_tax_ids_and_shipping_cannot_be_changed(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    (configuration,) = sandbox.state.store.iter_type("billing_portal.configuration")
    configuration["features"]["customer_update"]["allowed_updates"] = ["email"]

    await open_portal(page, portal_links, maya(sandbox)["id"])

    await expect(page.locator("#tax-id-list > li")).to_have_count(1)  # shown, not editable
    await expect(page.get_by_role("button", name="Add tax ID")).to_be_hidden()
    await expect(page.locator("#tax-id-list").get_by_role("button")).to_have_count(0)
    await page.get_by_role("button", name="Update information").click()
    await expect(page.get_by_label("Shipping address line 1")).to_have_count(0)


async def test_a_hosted_confirmation_shows_the_merchants_message_after_the_step(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    flow = {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionId": subscription_of(sandbox, customer_id)["id"],
        "afterCompletion": {"type": "HOSTED_CONFIRMATION", "customMessage": "Sorry to see you go, Maya."},
    }
    await open_portal(page, portal_links, customer_id, flow=flow)

    await cancel_from_the_deep_link(page)

    await expect(page.get_by_role("heading", name="All done")).to_be_focused()
    await expect(page.locator("#confirmation")).to_contain_text("Sorry to see you go, Maya.")
    await expect(page.locator("#subscriptions")).to_be_hidden()
    confirmation = page.locator("#confirmation")
    await expect(confirmation.get_by_role("link", name="Return to app.lumenpad.example.com")).to_be_visible()
    assert subscription_of(sandbox, customer_id)["cancel_at_period_end"] is True
    await screenshot(page, "hosted-confirmation")

    await page.get_by_role("button", name="View your billing details").click()

    await expect(page.locator("#subscriptions")).to_contain_text("Your plan will be canceled on")
    await expect(page.locator("#confirmation")).to_be_hidden()


async def test_a_hosted_confirmation_without_a_message_says_what_was_done(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    flow = {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionId": subscription_of(sandbox, customer_id)["id"],
        "afterCompletion": {"type": "HOSTED_CONFIRMATION"},
    }
    await open_portal(page, portal_links, customer_id, flow=flow)

    await cancel_from_the_deep_link(page)

    await expect(page.locator("#confirmation-message")).to_have_text(
        re.compile(r"^Your Pro plan will be canceled on [A-Z][a-z]+ \d+, \d{4}\.$")
    )


async def test_a_redirect_sends_the_customer_back_once_the_step_succeeded(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle, portal_server: PortalServer
) -> None:
    customer_id = maya(sandbox)["id"]
    back = f"{portal_server.url}/demo/returned?canceled=1"
    flow = {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionId": subscription_of(sandbox, customer_id)["id"],
        "afterCompletion": {"type": "REDIRECT", "redirectUrl": back},
    }
    await open_portal(page, portal_links, customer_id, flow=flow)

    await cancel_from_the_deep_link(page)

    await page.wait_for_url(back)
    assert subscription_of(sandbox, customer_id)["cancel_at_period_end"] is True
    await expect(page.get_by_role("heading", name="You are back in the product")).to_be_visible()


async def test_portal_homepage_returns_to_the_dashboard_and_later_changes_stay_there(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    flow = {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionId": subscription_of(sandbox, customer_id)["id"],
        "afterCompletion": {"type": "PORTAL_HOMEPAGE"},
    }
    await open_portal(page, portal_links, customer_id, flow=flow)

    await cancel_from_the_deep_link(page)

    await expect(page.get_by_role("status")).to_contain_text("Your Pro plan will be canceled on")
    await expect(page.get_by_role("heading", name="Current plan")).to_be_focused()
    await expect(page.locator("#confirmation")).to_be_hidden()
    assert page.url.endswith("/portal")


async def test_a_page_not_opened_on_the_links_step_does_not_follow_its_after_completion(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle, portal_server: PortalServer
) -> None:
    customer_id = maya(sandbox)["id"]
    flow = {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionId": subscription_of(sandbox, customer_id)["id"],
        "afterCompletion": {"type": "REDIRECT", "redirectUrl": f"{portal_server.url}/demo/returned"},
    }
    await open_portal(page, portal_links, customer_id, flow=flow)
    await page.get_by_role("dialog", name="Cancel plan").get_by_role("button", name="Keep plan").click()
    await page.reload()
    await expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")

    await page.get_by_role("button", name="Cancel plan Pro").click()
    await cancel_from_the_deep_link(page)

    await expect(page.get_by_role("status")).to_contain_text("Your Pro plan will be canceled on")
    assert page.url.endswith("/portal")


async def test_a_used_link_looks_like_the_portal(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    link = await portal_links.create(maya(sandbox)["id"])
    await page.goto(link)
    await expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")

    response = await page.goto(link)

    assert response is not None
    assert response.status == 410
    card = page.locator("section.card")
    await expect(card).to_contain_text("already been used")
    # The portal's stylesheet applied: the card's border and the masthead's background, not browser defaults.
    await expect(card).to_have_css("border-radius", "8px")
    await expect(page.locator("header.masthead")).to_have_css("background-color", "rgb(255, 255, 255)")
    await expect(page.locator("body")).to_have_css("margin", "0px")
    await expect(page.get_by_role("link", name="Return to app.lumenpad.example.com")).to_be_visible()
    await screenshot(page, "used-link")
