"""The hosted portal page in headless Chromium, against the API and the sandbox.

Each test opens a one-time link minted with an API key, acts as a customer would (clicks, keyboard), and
checks both what the page says and what the sandbox then holds.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from playwright.async_api import expect

from portalql.web.portal_page import STATIC_DIR
from stripe_sandbox.seed import DAY, RETURN_URL, demo_customer
from tests.browser.fixtures import BROWSER_LOOP, screenshot
from tests.fixtures.page_modules import on_demand

if TYPE_CHECKING:
    from playwright.async_api import Page, Response

    from tests.browser.fixtures import PortalLinks, PortalServer
    from tests.fixtures.sandbox import SandboxHandle

pytestmark = BROWSER_LOOP

ASSETS = STATIC_DIR / "assets"
DOLLARS = r"\$\d[\d,]*\.\d\d"
PREVIEW_SUMMARY = re.compile(
    rf"You pay ({DOLLARS}) now, then ({DOLLARS}) per (month|year) from ([A-Z][a-z]+ \d+, \d{{4}})"
)


def maya(sandbox: SandboxHandle) -> dict[str, Any]:
    """The demo customer: Pro monthly in USD, a Visa (default) and a Mastercard, a year of invoices."""
    return demo_customer(sandbox.state.store)


def customer_by_id(sandbox: SandboxHandle, customer_id: str) -> dict[str, Any]:
    customer = sandbox.state.store.find(customer_id)
    assert customer is not None
    return customer


def customer_by_email(sandbox: SandboxHandle, email: str) -> dict[str, Any]:
    return next(c for c in sandbox.state.store.iter_type("customer") if c["email"] == email)


def subscription_of(sandbox: SandboxHandle, customer_id: str) -> dict[str, Any]:
    return next(
        s
        for s in sandbox.state.store.iter_type("subscription")
        if s["customer"] == customer_id and s["status"] != "canceled"
    )


def price_id(sandbox: SandboxHandle, lookup_key: str) -> str:
    prices = sandbox.state.store.iter_type("price")
    found: str = next(price["id"] for price in prices if price["lookup_key"] == lookup_key)
    return found


def invoices_of(sandbox: SandboxHandle, customer_id: str) -> list[dict[str, Any]]:
    """The customer's invoices, newest first."""
    invoices = [i for i in sandbox.state.store.iter_type("invoice") if i["customer"] == customer_id]
    return sorted(invoices, key=lambda invoice: invoice["created"], reverse=True)


def dollars(cents: int) -> str:
    return f"${cents / 100:,.2f}"


async def open_portal(page: Page, portal_links: PortalLinks, customer_id: str, **options: Any) -> None:
    await page.goto(await portal_links.create(customer_id, **options))
    await expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")


async def test_opening_a_link_shows_plan_upcoming_invoice_payment_methods_and_details(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    await open_portal(page, portal_links, maya(sandbox)["id"])

    assert page.url.endswith("/portal"), "the one-time link redirects to the page, leaving no code in the URL"
    plan = page.locator("#subscriptions article")
    await expect(plan).to_have_count(1)
    await expect(plan.get_by_role("heading", name="Pro")).to_be_visible()
    await expect(plan).to_contain_text("$30.00 per month")
    await expect(plan).to_contain_text("Renews on December 15, 2026.")
    await expect(page.locator("#upcoming")).to_contain_text("$30.00 on December 15, 2026")
    methods = page.locator("#payment-method-list > li")
    await expect(methods).to_have_count(2)
    await expect(methods.filter(has_text="Visa •••• 4242")).to_contain_text("Default")
    await expect(page.locator("#details-list")).to_contain_text("maya.chen@example.com")
    await expect(page.locator("#details-list")).to_contain_text("San Francisco, CA 94104")
    await expect(page.locator("#invoice-rows tr")).to_have_count(10)
    await expect(page.get_by_role("link", name="Return to app.lumenpad.example.com")).to_have_attribute(
        "href", RETURN_URL
    )
    await expect(page.get_by_text("Lumenpad partners with Stripe for simplified billing.")).to_be_visible()
    await screenshot(page, "dashboard")
    await screenshot(page, "dashboard-phone", phone=True)


async def test_the_page_is_served_with_a_strict_content_security_policy(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    response = await page.goto(await portal_links.create(maya(sandbox)["id"]))

    assert response is not None
    policy = await response.header_value("content-security-policy")
    assert policy is not None
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert await response.header_value("cache-control") == "no-store"


async def test_switching_plan_shows_the_preview_and_charges_exactly_that(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    await open_portal(page, portal_links, customer_id)

    await page.get_by_role("button", name="Change plan Pro").click()
    dialog = page.get_by_role("dialog", name="Change plan")
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Pro $300.00 per year").check()
    await screenshot(page, "plan-choose")
    await dialog.get_by_role("button", name="Review change").click()
    summary = dialog.locator("#plan-summary")
    await expect(summary).to_contain_text("You pay")
    previewed = PREVIEW_SUMMARY.search(await summary.inner_text())
    assert previewed is not None, await summary.inner_text()
    due_now, recurring, interval, _from = previewed.groups()
    assert (recurring, interval) == ("$300.00", "year")
    await screenshot(page, "plan-preview")
    await screenshot(page, "plan-preview-phone", phone=True)
    await dialog.get_by_role("button", name="Confirm change").click()

    await expect(page.get_by_role("status")).to_have_text("Your plan is now Pro, $300.00 per year.")
    await expect(dialog).to_be_hidden()
    subscription = subscription_of(sandbox, customer_id)
    prices = [item["price"]["id"] for item in subscription["items"]["data"]]
    assert prices == [price_id(sandbox, "pro_yearly")]
    charged = invoices_of(sandbox, customer_id)[0]
    assert charged["billing_reason"] == "subscription_update"
    assert dollars(charged["amount_due"]) == due_now
    assert charged["status"] == "paid"
    await expect(page.locator("#invoice-rows tr").first).to_contain_text(due_now)
    await expect(page.locator("#subscriptions article")).to_contain_text("$300.00 per year")


async def test_a_change_billed_with_the_next_invoice_bills_what_the_preview_said(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    await open_portal(page, portal_links, customer_id)

    await page.get_by_role("button", name="Change plan Pro").click()
    dialog = page.get_by_role("dialog", name="Change plan")
    await dialog.get_by_label("Business $90.00 per month").check()
    await dialog.get_by_role("button", name="Review change").click()
    await expect(dialog.locator("#plan-summary")).to_contain_text("You pay")
    summary = await dialog.locator("#plan-summary").inner_text()
    previewed = re.search(rf"Your invoice on that date will be ({DOLLARS})", summary)
    assert previewed is not None, summary
    assert "You pay $0.00 now, then $90.00 per month from December 15, 2026." in summary
    await dialog.get_by_role("button", name="Confirm change").click()
    await expect(page.get_by_role("status")).to_have_text("Your plan is now Business, $90.00 per month.")
    await expect(page.locator("#upcoming")).to_contain_text(f"{previewed.group(1)} on December 15, 2026")

    sandbox.advance(31 * DAY)
    renewal = invoices_of(sandbox, customer_id)[0]
    assert renewal["billing_reason"] == "subscription_cycle"
    assert dollars(renewal["amount_due"]) == previewed.group(1)


async def test_cancelling_with_a_reason_then_reactivating(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    await open_portal(page, portal_links, customer_id)

    await page.get_by_role("button", name="Cancel plan Pro").click()
    dialog = page.get_by_role("dialog", name="Cancel plan")
    await expect(dialog).to_contain_text("stays active until December 15, 2026")
    await dialog.get_by_label(re.compile("too expensive")).check()
    await dialog.get_by_label("Anything else you would like to tell us?").fill("Back when the budget allows.")
    await screenshot(page, "cancel")
    await dialog.get_by_role("button", name="Cancel plan").click()

    status = page.get_by_role("status")
    await expect(status).to_have_text("Your Pro plan will be canceled on December 15, 2026.")
    subscription = subscription_of(sandbox, customer_id)
    assert subscription["cancel_at_period_end"] is True
    assert subscription["cancellation_details"]["feedback"] == "too_expensive"
    assert subscription["cancellation_details"]["comment"] == "Back when the budget allows."
    plan = page.locator("#subscriptions article")
    await expect(plan).to_contain_text("Your plan will be canceled on December 15, 2026.")
    await expect(plan.get_by_role("button", name="Change plan Pro")).to_have_count(0)
    await screenshot(page, "canceling")

    await plan.get_by_role("button", name="Renew plan Pro").click()

    await expect(page.get_by_role("status")).to_have_text("Your Pro plan will renew on December 15, 2026.")
    assert subscription_of(sandbox, customer_id)["cancel_at_period_end"] is False
    await expect(plan).to_contain_text("Renews on December 15, 2026.")


async def test_where_the_configuration_cancels_at_once_the_plan_ends_now(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    (configuration,) = sandbox.state.store.iter_type("billing_portal.configuration")
    configuration["features"]["subscription_cancel"]["mode"] = "immediately"
    customer_id = maya(sandbox)["id"]
    subscription_id = subscription_of(sandbox, customer_id)["id"]
    await open_portal(page, portal_links, customer_id)

    await page.get_by_role("button", name="Cancel plan Pro").click()
    dialog = page.get_by_role("dialog", name="Cancel plan")
    await expect(dialog).to_contain_text("Your Pro plan will be canceled right away.")
    await dialog.get_by_role("button", name="Cancel plan now").click()

    await expect(page.get_by_role("status")).to_have_text("Your Pro plan has been canceled.")
    await expect(page.locator("#subscriptions")).to_contain_text("You have no current plan.")
    canceled = sandbox.state.store.find(subscription_id)
    assert canceled is not None
    assert canceled["status"] == "canceled"


async def test_making_another_card_the_default_and_removing_one(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer = maya(sandbox)
    await open_portal(page, portal_links, customer["id"])
    methods = page.locator("#payment-method-list > li")

    await page.get_by_role("button", name="Make default Mastercard •••• 4444").click()

    await expect(page.get_by_role("status")).to_have_text(
        "Mastercard •••• 4444 is now your default payment method."
    )
    await expect(methods.filter(has_text="Mastercard •••• 4444")).to_contain_text("Default")
    await expect(methods.filter(has_text="Visa •••• 4242")).not_to_contain_text("Default")
    mastercard = methods.filter(has_text="Mastercard •••• 4444")
    default_id = maya(sandbox)["invoice_settings"]["default_payment_method"]
    assert default_id == await mastercard.get_attribute("data-payment-method")

    await page.get_by_role("button", name="Remove Visa •••• 4242").click()
    confirm = page.get_by_role("dialog", name="Remove payment method?")
    await expect(confirm).to_contain_text("Visa •••• 4242 will be removed from your account.")
    await confirm.get_by_role("button", name="Remove").click()

    await expect(page.get_by_role("status")).to_have_text("Visa •••• 4242 was removed.")
    await expect(methods).to_have_count(1)
    cards = [pm for pm in sandbox.state.store.iter_type("payment_method") if pm["customer"] == customer["id"]]
    assert [pm["card"]["last4"] for pm in cards] == ["4444"]

    # The only card while a plan runs is not offered for removal (the API refuses it too); adding one is.
    await expect(page.get_by_role("button", name="Remove Mastercard •••• 4444")).to_have_count(0)
    await expect(page.get_by_role("button", name="Add payment method")).to_be_visible()
    await screenshot(page, "payment-method-last")
    assert [
        pm["id"] for pm in sandbox.state.store.iter_type("payment_method") if pm["customer"] == customer["id"]
    ]


async def test_paging_through_invoices(page: Page, portal_links: PortalLinks, sandbox: SandboxHandle) -> None:
    customer_id = maya(sandbox)["id"]
    invoices = invoices_of(sandbox, customer_id)
    assert len(invoices) > 10, "the demo customer has more than a page of invoices"
    await open_portal(page, portal_links, customer_id)
    rows = page.locator("#invoice-rows tr")
    newer = page.get_by_role("button", name="Newer")
    older = page.get_by_role("button", name="Older")
    await expect(newer).to_be_disabled()
    await expect(rows).to_have_count(10)
    first_page = [await row.get_attribute("data-invoice") for row in await rows.all()]
    assert first_page == [invoice["id"] for invoice in invoices[:10]]

    await older.click()

    await expect(rows.first).to_have_attribute("data-invoice", invoices[10]["id"])
    await expect(rows).to_have_count(min(10, len(invoices) - 10))
    await expect(page.get_by_role("status")).to_have_text("Showing invoice page 2.")
    if len(invoices) <= 20:
        await expect(older).to_be_disabled()
        await expect(newer).to_be_focused()

    await newer.click()

    await expect(rows.first).to_have_attribute("data-invoice", invoices[0]["id"])
    await expect(rows).to_have_count(10)
    await expect(newer).to_be_disabled()
    link = rows.first.get_by_role("link", name=re.compile(r"^View invoice"))
    await expect(link).to_have_attribute("href", invoices[0]["hosted_invoice_url"])
    await expect(link).to_have_attribute("target", "_blank")
    pdf = rows.first.get_by_role("link", name=re.compile(r"^PDF of invoice"))
    await expect(pdf).to_have_attribute("href", invoices[0]["invoice_pdf"])


async def test_an_expired_link_shows_a_clear_page(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    link = await portal_links.create(maya(sandbox)["id"])
    await portal_links.expire_links()

    response = await page.goto(link)

    assert response is not None
    assert response.status == 410
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await expect(page.locator("body")).to_contain_text("expired")
    await expect(page.get_by_role("link", name=re.compile("Return"))).to_have_attribute("href", RETURN_URL)


async def test_an_expired_session_shows_a_clear_page_with_the_way_back(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    return_url = "https://app.lumenpad.example.com/account?tab=billing"
    await open_portal(page, portal_links, maya(sandbox)["id"], returnUrl=return_url)
    await expect(page.get_by_role("link", name="Return to app.lumenpad.example.com")).to_have_attribute(
        "href", return_url
    )
    await portal_links.expire_sessions()

    await page.reload()

    await expect(page.get_by_role("heading", name="This link has expired")).to_be_focused()
    await expect(page.get_by_role("link", name="Go back to app.lumenpad.example.com")).to_have_attribute(
        "href", return_url
    )
    await expect(page.locator("#subscriptions")).to_be_hidden()
    await screenshot(page, "expired")
    await screenshot(page, "expired-phone", phone=True)


async def test_a_cancel_deep_link_opens_on_the_cancel_step(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    subscription_id = subscription_of(sandbox, customer_id)["id"]

    await open_portal(
        page,
        portal_links,
        customer_id,
        flow={"type": "SUBSCRIPTION_CANCEL", "subscriptionId": subscription_id},
    )

    dialog = page.get_by_role("dialog", name="Cancel plan")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("radio").first).to_be_focused()
    assert page.url.endswith("/portal"), "the flow is not reopened by a reload"


async def test_an_update_deep_link_opens_on_the_plan_choice(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    subscription_id = subscription_of(sandbox, customer_id)["id"]

    await open_portal(
        page,
        portal_links,
        customer_id,
        flow={"type": "SUBSCRIPTION_UPDATE", "subscriptionId": subscription_id},
    )

    dialog = page.get_by_role("dialog", name="Change plan")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("radio")).to_have_count(5)


async def test_an_update_confirm_deep_link_opens_on_the_review_of_that_change(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    subscription = subscription_of(sandbox, customer_id)
    item_id = subscription["items"]["data"][0]["id"]
    flow = {
        "type": "SUBSCRIPTION_UPDATE_CONFIRM",
        "subscriptionId": subscription["id"],
        "items": [{"itemId": item_id, "priceId": price_id(sandbox, "business_monthly")}],
    }

    await open_portal(page, portal_links, customer_id, flow=flow)

    dialog = page.get_by_role("dialog", name="Change plan")
    summary = dialog.locator("#plan-summary")
    await expect(summary).to_be_focused()
    await expect(summary).to_contain_text("Switch to Business, $90.00 per month.")
    await expect(dialog.get_by_role("button", name="Confirm change")).to_be_visible()


async def test_a_payment_method_deep_link_opens_on_the_payment_methods(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    await open_portal(page, portal_links, maya(sandbox)["id"], flow={"type": "PAYMENT_METHOD_UPDATE"})

    # It opens on the card form, and closing the form leaves the customer at the payment methods.
    card_form = page.get_by_role("dialog", name="Add payment method")
    await expect(card_form).to_be_visible()
    await expect(card_form.get_by_label("Make this my default payment method")).to_be_checked()
    await card_form.get_by_role("button", name="Cancel").click()
    await expect(page.get_by_role("heading", name="Payment methods")).to_be_focused()


async def test_updating_details_shows_errors_next_to_the_field_then_saves(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    await open_portal(page, portal_links, customer_id)

    await page.get_by_role("button", name="Update information").click()
    dialog = page.get_by_role("dialog", name="Update billing information")
    email = dialog.get_by_label("Email")
    await expect(email).to_have_value("maya.chen@example.com")
    await email.fill("maya.chen-at-example.com")
    await dialog.get_by_role("button", name="Save").click()

    await expect(email).to_have_attribute("aria-invalid", "true")
    await expect(email).to_be_focused()
    error = dialog.locator("#detail-email-error")
    await expect(error).not_to_be_empty()
    await expect(email).to_have_accessible_description(await error.inner_text())
    await screenshot(page, "details-error")
    assert customer_by_id(sandbox, customer_id)["email"] == "maya.chen@example.com"

    await email.fill("maya@chen.example.com")
    await dialog.get_by_label("City", exact=True).fill("Oakland")
    await dialog.get_by_label("Postal code", exact=True).fill("94612")
    await dialog.get_by_role("button", name="Save").click()

    await expect(page.get_by_role("status")).to_have_text("Your billing information was updated.")
    await expect(page.locator("#details-list")).to_contain_text("Oakland, CA 94612")
    customer = customer_by_id(sandbox, customer_id)
    assert customer["email"] == "maya@chen.example.com"
    assert customer["address"]["city"] == "Oakland"
    assert customer["address"]["line1"] == "548 Market St", "the address is sent whole"


async def test_what_the_configuration_does_not_allow_is_not_shown(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    (configuration,) = sandbox.state.store.iter_type("billing_portal.configuration")
    features = configuration["features"]
    for feature in (
        "subscription_cancel",
        "subscription_pause",
        "subscription_update",
        "invoice_history",
        "payment_method_update",
    ):
        features[feature]["enabled"] = False
    features["customer_update"]["allowed_updates"] = []

    await open_portal(page, portal_links, maya(sandbox)["id"])

    plan = page.locator("#subscriptions article")
    await expect(plan).to_contain_text("$30.00 per month")
    await expect(plan.get_by_role("button")).to_have_count(0)
    await expect(page.locator("#payment-method-list").get_by_role("button")).to_have_count(0)
    await expect(page.get_by_role("button", name="Update information")).to_be_hidden()
    await expect(page.get_by_role("heading", name="Invoice history")).to_be_hidden()
    await expect(page.get_by_role("heading", name="Upcoming invoice")).to_be_visible()


async def test_the_plan_dialog_is_keyboard_operable_and_gives_focus_back(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    await open_portal(page, portal_links, maya(sandbox)["id"])
    opener = page.get_by_role("button", name="Change plan Pro")
    await opener.focus()

    await page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog", name="Change plan")
    await expect(dialog.get_by_role("radio").first).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(dialog.get_by_label("Starter $100.00 per year")).to_be_checked()
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(opener).to_be_focused()

    await page.keyboard.press("Enter")
    await dialog.get_by_role("button", name="Review change").press("Enter")
    await expect(dialog.locator("#plan-price-error")).to_have_text("Choose a plan.")


async def test_words_money_and_dates_follow_the_sessions_language(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    haruto = customer_by_email(sandbox, "haruto.sato@example.jp")

    await open_portal(page, portal_links, haruto["id"], locale="ja")

    await expect(page.locator("html")).to_have_attribute("lang", "ja")
    await expect(page.get_by_role("heading", level=1)).to_have_text("請求")
    plan = page.locator("#subscriptions article")
    await expect(plan).to_contain_text("￥3,000（毎月）")  # noqa: RUF001 - Japanese parentheses
    await expect(plan).to_contain_text("2026年11月19日に更新されます。")
    await expect(plan.get_by_role("button", name="プランを変更 Pro")).to_be_visible()
    await expect(page.locator("#invoice-rows tr").first).to_contain_text("￥3,000")
    await screenshot(page, "dashboard-ja")


async def test_the_page_is_light_and_loads_nothing_from_elsewhere(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle, portal_server: PortalServer
) -> None:
    transferred: dict[str, int] = {}

    async def measure(response: Response) -> None:
        sizes = await response.request.sizes()
        transferred[response.url.removeprefix(portal_server.url)] = sizes["responseBodySize"]

    page.on("response", measure)
    await open_portal(page, portal_links, maya(sandbox)["id"])
    await page.wait_for_load_state("networkidle")

    assert all(path.startswith("/") for path in transferred), "every request stays on the API's origin"
    # The page and its assets: not the one-time link's redirect, nor the API's answers.
    static = {path: size for path, size in transferred.items() if path == "/portal" or "/assets/" in path}
    # Every asset but the modules loaded when asked for: the dialogs' (plan change, cancel and its offers,
    # pause, card, payment, details editor) when one opens, and usage and credit's (for customers who have
    # them; Maya has neither).
    assets = {f"/portal/assets/{asset.name}" for asset in ASSETS.iterdir() if asset.name not in on_demand()}
    assert set(static) == {"/portal"} | assets
    # A page in another language adds its one catalog (see the language tests).
    assert sum(static.values()) < 40 * 1024, static


async def test_every_subscription_state_reads_clearly(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    expected = {
        # email: (texts on the plan, whether it offers a plan change)
        "priya.raman@example.in": (
            ["Trial", "Your trial ends on November 24, 2026; billing starts then."],
            True,
        ),
        "diego.alvarez@example.mx": (["Past due", "Your last payment failed."], False),
        "amara.okafor@example.ng": (["Cancels", "Your plan will be canceled on"], False),
        "sofia.rossi@example.it": (
            # In the browser's language, English, like the words around them: amounts and dates never
            # follow another language than the sentence they are in.
            [
                "Business + Additional seat",
                "Additional seat: $8.00 \N{MULTIPLICATION SIGN} 5 per month",
                "November 20, 2026",
            ],
            True,  # her plan, her seats: the plan and the add-on change together
        ),
    }
    for email, (texts, changes_plan) in expected.items():
        await open_portal(page, portal_links, customer_by_email(sandbox, email)["id"])
        plan = page.locator("#subscriptions article")
        for text in texts:
            await expect(plan).to_contain_text(text)
        await expect(plan.get_by_role("button", name=re.compile("^Change plan"))).to_have_count(
            int(changes_plan)
        )
        await screenshot(page, f"state-{email.split('.')[0]}")

    await open_portal(page, portal_links, customer_by_email(sandbox, "liam.obrien@example.ie")["id"])
    await expect(page.locator("#subscriptions")).to_contain_text("You have no current plan.")
