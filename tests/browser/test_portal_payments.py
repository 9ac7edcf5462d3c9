"""Fixing a failed payment in the hosted portal, in headless Chromium: adding a card through Stripe.js (the
sandbox's stand-in, loaded as the page loads Stripe's), 3-D Secure on the sandbox's test page, and paying
what is owed in place.

Stripe's test cards decide each outcome: 4242 4242 4242 4242 is saved and charged, 4000 0000 0000 0002 is
declined, 4000 0027 6000 3184 asks for 3-D Secure, and Diego's …0341 is saved but declined when charged.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from playwright.async_api import expect

from portalql.web.portal_page import content_security_policy, stripe_js_for
from stripe_sandbox.seed import ONE_OFF_CUSTOMER_EMAIL, past_due_customer
from tests.browser.fixtures import BROWSER_LOOP, screenshot
from tests.browser.test_portal_page import invoices_of, maya, open_portal, subscription_of

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tests.browser.fixtures import PortalLinks
    from tests.fixtures.sandbox import SandboxHandle

pytestmark = BROWSER_LOOP

SUCCEEDS = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
AUTHENTICATES = "4000 0027 6000 3184"


def cards_of(sandbox: SandboxHandle, customer_id: str) -> list[dict[str, Any]]:
    methods = sandbox.state.store.iter_type("payment_method")
    return [method for method in methods if method["customer"] == customer_id]


def default_card(sandbox: SandboxHandle, customer_id: str) -> str | None:
    customer = sandbox.state.store.find(customer_id)
    assert customer is not None
    default: str | None = customer["invoice_settings"]["default_payment_method"]
    return default


async def type_card(page: Page, number: str, *, expiry: str = "12 / 34", cvc: str = "123") -> None:
    """Open the card form and type a card into Stripe.js's card element."""
    await page.get_by_role("button", name="Add payment method").click()
    dialog = page.get_by_role("dialog", name="Add payment method")
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Card number").fill(number)
    await dialog.get_by_label("Expiration date").fill(expiry)
    await dialog.get_by_label("Security code").fill(cvc)


async def test_adding_a_card_lists_it_at_once_as_the_default(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    before = {card["id"] for card in cards_of(sandbox, customer_id)}
    await open_portal(page, portal_links, customer_id)

    await type_card(page, SUCCEEDS)
    await screenshot(page, "add-card")
    await page.get_by_role("button", name="Save card").click()

    await expect(page.get_by_role("dialog", name="Add payment method")).to_be_hidden()
    await expect(page.locator("#status")).to_have_text("Visa •••• 4242 was added.")
    (added,) = [card for card in cards_of(sandbox, customer_id) if card["id"] not in before]
    assert default_card(sandbox, customer_id) == added["id"]
    row = page.locator(f'[data-payment-method="{added["id"]}"]')
    await expect(row).to_contain_text("Visa •••• 4242")
    await expect(row).to_contain_text("Default")
    await expect(row).to_contain_text("Expires 12/2034")


async def test_a_declined_or_incomplete_card_is_explained_beside_the_form(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    before = cards_of(sandbox, customer_id)
    await open_portal(page, portal_links, customer_id)

    await type_card(page, "4242 4242", expiry="", cvc="")
    dialog = page.get_by_role("dialog", name="Add payment method")
    await dialog.get_by_role("button", name="Save card").click()
    await expect(dialog.locator("#card-error")).to_have_text("Your card number is incomplete.")

    await dialog.get_by_label("Card number").fill(DECLINED)
    await dialog.get_by_label("Expiration date").fill("12 / 34")
    await dialog.get_by_label("Security code").fill("123")
    await dialog.get_by_role("button", name="Save card").click()
    await expect(dialog.locator("#card-error")).to_have_text("Your card was declined.")

    await expect(dialog).to_be_visible()
    assert cards_of(sandbox, customer_id) == before


async def test_a_card_that_asks_for_3d_secure_is_saved_once_authenticated(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    before = {card["id"] for card in cards_of(sandbox, customer_id)}
    await open_portal(page, portal_links, customer_id)

    await type_card(page, AUTHENTICATES)
    await page.get_by_role("button", name="Save card").click()
    challenge = page.frame_locator('iframe[title="3D Secure authentication"]')
    await challenge.get_by_role("button", name="Complete").click()

    await expect(page.locator("#status")).to_have_text("Visa •••• 3184 was added.")
    (added,) = [card for card in cards_of(sandbox, customer_id) if card["id"] not in before]
    assert added["card"]["last4"] == "3184"


async def test_failing_3d_secure_saves_nothing_and_says_why(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    before = cards_of(sandbox, customer_id)
    await open_portal(page, portal_links, customer_id)

    await type_card(page, AUTHENTICATES)
    await page.get_by_role("button", name="Save card").click()
    challenge = page.frame_locator('iframe[title="3D Secure authentication"]')
    await challenge.get_by_role("button", name="Fail").click()

    dialog = page.get_by_role("dialog", name="Add payment method")
    await expect(dialog.locator("#card-error")).to_contain_text("unable to authenticate")
    assert cards_of(sandbox, customer_id) == before


async def test_a_past_due_customer_adds_a_card_and_pays_what_is_owed(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    diego = past_due_customer(sandbox.state.store)
    (owed,) = [invoice for invoice in invoices_of(sandbox, diego["id"]) if invoice["status"] == "open"]
    await open_portal(page, portal_links, diego["id"])
    banner = page.locator("#attention")
    await expect(banner).to_contain_text("is due.")
    await expect(banner).to_contain_text("Your card was declined.")

    await banner.get_by_role("button", name="Update card").click()
    dialog = page.get_by_role("dialog", name="Add payment method")
    await dialog.get_by_label("Card number").fill(SUCCEEDS)
    await dialog.get_by_label("Expiration date").fill("12 / 34")
    await dialog.get_by_label("Security code").fill("123")
    await dialog.get_by_role("button", name="Save card").click()
    await expect(dialog).to_be_hidden()

    await banner.get_by_role("button", name="Pay now").click()
    pay = page.get_by_role("dialog", name="Pay invoice")
    new_card = default_card(sandbox, diego["id"])
    await expect(pay.locator(f'input[value="{new_card}"]')).to_be_checked()
    await pay.get_by_role("button", name="Pay", exact=True).click()

    await expect(page.locator("#status")).to_contain_text("your payment of")
    await expect(banner).to_be_hidden()
    plan = page.locator("#subscriptions article")
    await expect(plan).not_to_contain_text("Past due")
    await expect(plan).to_contain_text("Renews on")
    await expect(page.locator(f'[data-invoice="{owed["id"]}"]')).to_contain_text("Paid")
    await screenshot(page, "paid")
    assert subscription_of(sandbox, diego["id"])["status"] == "active"
    paid = sandbox.state.store.find(owed["id"])
    assert paid is not None
    assert paid["status"] == "paid"


async def test_an_overdue_one_off_invoice_is_in_the_banner_until_paid_from_it(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    store = sandbox.state.store
    ethan = next(c for c in store.iter_type("customer") if c["email"] == ONE_OFF_CUSTOMER_EMAIL)
    (owed,) = [invoice for invoice in invoices_of(sandbox, ethan["id"]) if invoice["status"] == "open"]
    await open_portal(page, portal_links, ethan["id"])
    banner = page.locator("#attention")
    await expect(banner.locator(f'[data-owed="{owed["id"]}"]')).to_have_text(
        f"$570.00 for invoice {owed['number']} is due.Pay now"
    )
    await screenshot(page, "one-off-owed")

    await banner.get_by_role("button", name="Pay now").click()
    await page.get_by_role("dialog", name="Pay invoice").get_by_role("button", name="Pay", exact=True).click()

    await expect(page.locator("#status")).to_contain_text("your payment of $570.00")
    await expect(banner).to_be_hidden()
    await expect(page.locator(f'[data-invoice="{owed["id"]}"]')).to_contain_text("Paid")
    paid = store.find(owed["id"])
    assert paid is not None
    assert paid["status"] == "paid"


async def test_paying_with_a_card_that_fails_says_why_and_leaves_the_invoice_open(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    diego = past_due_customer(sandbox.state.store)
    (owed,) = [invoice for invoice in invoices_of(sandbox, diego["id"]) if invoice["status"] == "open"]
    failing = next(card for card in cards_of(sandbox, diego["id"]) if card["card"]["last4"] == "0341")
    await open_portal(page, portal_links, diego["id"])

    await (
        page.locator(f'[data-invoice="{owed["id"]}"]').get_by_role("button", name=re.compile("^Pay")).click()
    )
    pay = page.get_by_role("dialog", name="Pay invoice")
    await pay.locator(f'label[for="pay-{failing["id"]}"]').click()
    await pay.get_by_role("button", name="Pay", exact=True).click()

    await expect(pay.locator(".form-error")).to_have_text("Your card was declined.")
    refreshed = sandbox.state.store.find(owed["id"])
    assert refreshed is not None
    assert refreshed["status"] == "open"
    assert subscription_of(sandbox, diego["id"])["status"] == "past_due"


async def pay_owed_with_a_card_that_authenticates(
    page: Page, portal_links: PortalLinks, diego_id: str
) -> None:
    """Diego saves 4000 0027 6000 3184 (completing 3-D Secure), then pays his open invoice with it: the
    bank asks again, and the test page is left for the test to answer."""
    await open_portal(page, portal_links, diego_id)
    await type_card(page, AUTHENTICATES)
    await page.get_by_role("button", name="Save card").click()
    await (
        page.frame_locator('iframe[title="3D Secure authentication"]')
        .get_by_role("button", name="Complete")
        .click()
    )
    await expect(page.locator("#status")).to_have_text("Visa •••• 3184 was added.")
    await page.locator("#attention").get_by_role("button", name="Pay now").click()
    await page.get_by_role("dialog", name="Pay invoice").get_by_role("button", name="Pay", exact=True).click()


async def test_a_payment_that_asks_for_3d_secure_is_paid_once_authenticated(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    diego = past_due_customer(sandbox.state.store)
    await pay_owed_with_a_card_that_authenticates(page, portal_links, diego["id"])

    challenge = page.frame_locator('iframe[title="3D Secure authentication"]')
    await challenge.get_by_role("button", name="Complete").click()

    await expect(page.locator("#status")).to_contain_text("your payment of")
    await expect(page.locator("#attention")).to_be_hidden()
    assert subscription_of(sandbox, diego["id"])["status"] == "active"


async def test_a_payment_whose_3d_secure_fails_says_why_and_leaves_the_invoice_open(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    diego = past_due_customer(sandbox.state.store)
    await pay_owed_with_a_card_that_authenticates(page, portal_links, diego["id"])

    challenge = page.frame_locator('iframe[title="3D Secure authentication"]')
    await challenge.get_by_role("button", name="Fail").click()

    pay = page.get_by_role("dialog", name="Pay invoice")
    await expect(pay.locator(".form-error")).to_contain_text("unable to authenticate")
    assert subscription_of(sandbox, diego["id"])["status"] == "past_due"


async def test_the_page_may_load_stripe_js_from_the_sandbox_and_nothing_else(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    response = await page.goto(await portal_links.create(maya(sandbox)["id"]))

    assert response is not None
    policy = dict(
        directive.split(" ", 1)
        for directive in (await response.header_value("content-security-policy") or "").split("; ")
    )
    assert policy["script-src"] == f"'self' {sandbox.url}"
    assert policy["connect-src"] == f"'self' {sandbox.url}"
    assert policy["frame-src"] == sandbox.url
    stripe_js = page.locator('meta[name="stripe-js"]')
    await expect(stripe_js).to_have_attribute("content", f"{sandbox.url}/v3/")
    await expect(stripe_js).to_have_attribute("data-key", re.compile("^pk_test_"))


async def test_in_production_the_page_allows_exactly_stripes_documented_origins() -> None:
    policy = dict(
        directive.split(" ", 1) for directive in content_security_policy(stripe_js_for(None)).split("; ")
    )

    assert stripe_js_for(None).url == "https://js.stripe.com/v3/"
    assert policy["script-src"] == "'self' https://js.stripe.com https://*.js.stripe.com"
    assert policy["frame-src"] == "https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
    assert policy["connect-src"] == "'self' https://api.stripe.com"
    assert policy["default-src"] == "'none'"
