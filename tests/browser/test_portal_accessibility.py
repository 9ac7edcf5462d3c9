"""The hosted portal for every customer, in Chromium: its language, the merchant's brand, the login page,
and WCAG 2.2 AA as axe-core audits it on every state of the page.

axe-core comes from the portal's npm lock file (`./dev test` installs it with TypeScript); the tab that
runs it bypasses the page's Content-Security-Policy only so that the audit script can be added.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio
from playwright.async_api import expect

from portalql.web.brand import WHITE, contrast_ratio
from portalql.web.portal_page import STATIC_DIR
from stripe_sandbox.seed import BRAND_SECONDARY, PRODUCT_NAME, demo_customer, past_due_customer
from tests.browser.fixtures import BROWSER_LOOP, DESKTOP, PHONE, STEP_TIMEOUT_MS, _in_ci, screenshot

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable
    from pathlib import Path

    from playwright.async_api import Browser, Page

    from tests.browser.fixtures import PortalLinks, PortalServer
    from tests.fixtures.sandbox import SandboxHandle
    from tests.fixtures.smtp import SmtpServer

pytestmark = BROWSER_LOOP

AXE = STATIC_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def portal_settings(smtp_server: SmtpServer) -> dict[str, Any]:
    return {"smtp_url": smtp_server.url, "login_page": True}


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.is_file():
        reason = f"axe-core is not installed at {AXE} (./dev test installs it with npm)"
        if _in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE


@pytest_asyncio.fixture(loop_scope="session")
async def tab(browser: Browser, axe_script: Path) -> AsyncIterator[Callable[[str], Awaitable[Page]]]:
    """Tabs in a browser that speaks a given language; each must log no error."""
    contexts = []
    errors: list[str] = []

    async def open_tab(locale: str) -> Page:
        context = await browser.new_context(
            viewport=DESKTOP, locale=locale, timezone_id="UTC", bypass_csp=True
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
        page.on(
            "console",
            lambda message: (
                errors.append(f"console: {message.text}")
                if message.type == "error" and not message.text.startswith("Failed to load resource")
                else None
            ),
        )
        return page

    try:
        yield open_tab
    finally:
        for context in contexts:
            await context.close()
    assert errors == [], "the page logged errors"


async def audit(page: Page, state: str) -> None:
    """axe-core's WCAG 2.2 A/AA rules on the page as it is now: no violation, each named if any."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        "async (tags) => (await axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations"
        ".map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)",
        WCAG_22_AA,
    )
    assert result == [], f"{state}: {result}"


async def open_portal(page: Page, portal_links: PortalLinks, customer_id: str, **options: Any) -> None:
    await page.goto(await portal_links.create(customer_id, **options))
    await expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")


async def test_every_state_of_the_page_passes_axe(
    tab: Callable[[str], Awaitable[Page]], portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    page = await tab("en-US")
    await open_portal(page, portal_links, demo_customer(sandbox.state.store)["id"])
    await audit(page, "dashboard")
    await page.set_viewport_size(PHONE)
    await audit(page, "dashboard at phone width")
    await page.set_viewport_size(DESKTOP)

    plan = page.locator("#subscriptions article").first
    await plan.get_by_role("button", name=re.compile("^Change plan")).click()
    dialog = page.get_by_role("dialog", name="Change plan")
    await audit(page, "plan change: choosing")
    await dialog.get_by_role("button", name="Review change").click()
    await audit(page, "plan change: an error beside the choices")
    await dialog.get_by_role("radio").first.check()
    await dialog.get_by_role("button", name="Review change").click()
    await expect(dialog.get_by_role("button", name="Confirm change")).to_be_visible()
    await audit(page, "plan change: review")
    await page.keyboard.press("Escape")

    await plan.get_by_role("button", name=re.compile("^Cancel plan")).click()
    await expect(page.get_by_role("dialog", name="Cancel plan")).to_be_visible()
    await audit(page, "cancel dialog")
    await page.set_viewport_size(PHONE)
    await audit(page, "cancel dialog at phone width")
    await page.set_viewport_size(DESKTOP)
    await page.keyboard.press("Escape")

    await page.get_by_role("button", name="Update information").click()
    await expect(page.get_by_role("dialog", name="Update billing information")).to_be_visible()
    await audit(page, "billing information dialog")
    await page.keyboard.press("Escape")

    await page.get_by_role("button", name=re.compile("^Remove")).first.click()
    await expect(page.get_by_role("dialog", name="Remove payment method?")).to_be_visible()
    await audit(page, "confirm dialog")
    await page.keyboard.press("Escape")

    await portal_links.expire_sessions()
    await page.reload()
    await expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    await audit(page, "expired session")


async def test_an_outage_is_explained_in_a_state_that_passes_axe(
    tab: Callable[[str], Awaitable[Page]], portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    page = await tab("en-US")
    link = await portal_links.create(demo_customer(sandbox.state.store)["id"])
    # Every try of the customer's read fails, the SDK's retries included.
    sandbox.add_fault("error", count=20, path=r"^GET /v1/customers/")
    await page.goto(link)
    await expect(page.get_by_role("heading", name="Something went wrong")).to_be_visible()
    # What the outage means to the customer, in the page's words (Stripe goes unnamed), and the reference.
    await expect(page.locator("#failure-message")).to_contain_text("Billing is unavailable right now.")
    await expect(page.locator("#failure-message")).to_contain_text("(reference err_")
    await audit(page, "an outage while loading")


async def test_paying_what_is_owed_passes_axe(
    tab: Callable[[str], Awaitable[Page]], portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    page = await tab("en-US")
    await open_portal(page, portal_links, past_due_customer(sandbox.state.store)["id"])
    await expect(page.locator("#attention")).to_be_visible()
    await audit(page, "a failed payment")
    await page.locator("#attention").get_by_role("button", name="Pay now").click()
    await expect(page.get_by_role("dialog", name="Pay invoice")).to_be_visible()
    await audit(page, "pay dialog")


async def test_german_page_is_german_throughout_and_cancelling_works_by_keyboard(
    tab: Callable[[str], Awaitable[Page]], portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    page = await tab("de-DE")
    await open_portal(page, portal_links, demo_customer(sandbox.state.store)["id"])
    await expect(page.locator("html")).to_have_attribute("lang", "de-DE")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Abrechnung")
    plan = page.locator("#subscriptions article").first
    await expect(plan).to_contain_text(re.compile(r"pro Monat|pro Jahr"))
    await expect(plan).to_contain_text(re.compile(r"Verlängert sich am \d+\. \w+ \d{4}\."))
    await expect(page.locator("#invoices thead")).to_contain_text("Betrag")
    await audit(page, "German dashboard")
    await screenshot(page, "dashboard-de")

    # Stripe's English proration lines, rewritten from the lines' data.
    await plan.get_by_role("button", name=re.compile("^Tarif ändern")).click()
    change = page.get_by_role("dialog", name="Tarif ändern")
    await change.get_by_role("radio").last.check()
    await change.get_by_role("button", name="Änderung prüfen").click()
    await expect(change.locator("#plan-summary")).to_contain_text("Sie zahlen")
    lines = change.locator("#plan-lines")
    await expect(lines).to_contain_text(re.compile(r"Nicht genutzte Zeit für \w+ nach dem \d+\. \w+ \d{4}"))
    await expect(lines).not_to_contain_text("time on")
    await page.keyboard.press("Escape")
    # Closing gives focus back to the dialog's opener: wait for that before moving it on.
    await expect(change).to_be_hidden()
    await expect(plan.get_by_role("button", name=re.compile("^Tarif ändern"))).to_be_focused()

    cancel = plan.get_by_role("button", name=re.compile("^Tarif kündigen"))
    await cancel.focus()
    await page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Tarif kündigen")
    await expect(dialog.get_by_role("radio").first).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(dialog.get_by_role("radio").nth(1)).to_be_checked()
    await audit(page, "German cancel dialog")
    await dialog.get_by_role("button", name="Tarif kündigen").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#status")).to_contain_text("wird am")
    await expect(plan.get_by_text("Wird gekündigt")).to_be_visible()


async def test_japanese_page_passes_axe(
    tab: Callable[[str], Awaitable[Page]], portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    page = await tab("ja-JP")
    await open_portal(page, portal_links, demo_customer(sandbox.state.store)["id"])
    await expect(page.get_by_role("heading", name="現在のプラン")).to_be_visible()
    await expect(page.locator("#upcoming")).to_contain_text("次回の請求書")
    await audit(page, "Japanese dashboard")
    await screenshot(page, "dashboard-ja-browser")


async def test_the_brand_colours_are_applied_with_readable_text(
    tab: Callable[[str], Awaitable[Page]], portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    page = await tab("en-US")
    await open_portal(page, portal_links, demo_customer(sandbox.state.store)["id"])
    await expect(page.locator(".brand-name")).to_have_text(PRODUCT_NAME)
    masthead = await page.locator(".masthead").evaluate("(e) => getComputedStyle(e).backgroundColor")
    assert masthead == _rgb(BRAND_SECONDARY)
    button = page.locator("#subscriptions .button.primary").first
    background, colour = await button.evaluate(
        "(e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    )
    assert contrast_ratio(_hex(background), _hex(colour)) >= 4.5
    assert contrast_ratio(_hex(background), WHITE) >= 4.5
    await audit(page, "branded dashboard")


async def test_motion_follows_the_readers_preference(
    tab: Callable[[str], Awaitable[Page]], portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    page = await tab("en-US")
    await open_portal(page, portal_links, demo_customer(sandbox.state.store)["id"])
    button = page.locator("#subscriptions .button").first
    duration = "(e) => getComputedStyle(e).transitionDuration"
    await page.emulate_media(reduced_motion="no-preference")
    assert await button.evaluate(duration) == "0.15s"
    await page.emulate_media(reduced_motion="reduce")
    assert await button.evaluate(duration) == "0s"


async def test_signing_in_on_the_login_page_with_the_mailed_code(
    tab: Callable[[str], Awaitable[Page]],
    portal_server: PortalServer,
    sandbox: SandboxHandle,
    smtp_server: SmtpServer,
) -> None:
    page = await tab("en-US")
    maya = demo_customer(sandbox.state.store)
    await page.goto(f"{portal_server.url}/portal/login")
    await audit(page, "login page")
    await page.get_by_label("Email").fill(maya["email"])
    await page.get_by_label("Email").press("Enter")
    await expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    await audit(page, "login page: enter the code")
    mail = smtp_server.messages[-1]
    code = re.search(r"\b(\d{6})\b", str(mail.get_content()))
    assert code is not None
    await page.get_by_label("Sign-in code").fill(code.group(1))
    await page.get_by_label("Sign-in code").press("Enter")  # by keyboard, as the email before it
    await expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    await expect(page.locator("#details-list")).to_contain_text(maya["email"])


def _rgb(colour: str) -> str:
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def _hex(rgb: str) -> str:
    parts = re.findall(r"\d+", rgb)[:3]
    return "#" + "".join(f"{int(part):02x}" for part in parts)
