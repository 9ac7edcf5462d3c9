"""The usage section of the hosted page in headless Chromium: the period's usage against the tiers, the
projected charge, a daily chart drawn in SVG with a table of the same numbers, and the credit left."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from playwright.async_api import expect

from stripe_sandbox.resources.meters import usage
from stripe_sandbox.seed import API_METER, demo_customer, usage_customer
from tests.browser.fixtures import BROWSER_LOOP, screenshot
from tests.browser.test_portal_page import dollars, open_portal

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tests.browser.fixtures import PortalLinks
    from tests.fixtures.sandbox import SandboxHandle

pytestmark = BROWSER_LOOP

DAY = 86_400


def _day(at: int) -> str:
    """How the page writes a day in English (`dateStyle: long`): November 3, 2026. Kofi's session has no
    locale, so the page speaks the browser's language, English."""
    moment = datetime.fromtimestamp(at, UTC)
    return f"{moment:%B} {moment.day}, {moment.year}"


def _usd(cents: int) -> str:
    """Dollars as English writes them: $70.98."""
    return dollars(cents)


async def test_a_usage_billed_customer_sees_usage_tiers_chart_and_credit(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    store = sandbox.state.store
    kofi = usage_customer(store)
    meter = next(m for m in store.iter_type("billing.meter") if m["event_name"] == API_METER[1])
    [subscription] = [s for s in store.iter_type("subscription") if s["customer"] == kofi["id"]]
    item = subscription["items"]["data"][1]
    start, end = item["current_period_start"], item["current_period_end"]
    calls = int(usage(store, meter, kofi["id"], start, end))
    charge = (min(calls, 10_000) - 1000) * 2 + max(0, calls - 10_000)

    await open_portal(page, portal_links, kofi["id"])

    section = page.locator("#usage")
    await expect(section.get_by_role("heading", name="API calls")).to_be_visible()
    await expect(section.locator(".usage-total")).to_contain_text(f"{calls:,} used since")
    await expect(section.locator(".usage-charge")).to_have_text(_usd(charge))
    current = section.locator(".tiers tr[aria-current='true']")
    await expect(current).to_have_count(1)
    await expect(current).to_contain_text("1,001 to 10,000")
    # The chart covers the period's UTC days up to today (the browser's clock) or the period's last day.
    first_day = start // DAY * DAY
    last_day = min(int(time.time()), end - 1) // DAY * DAY
    days = (last_day - first_day) // DAY + 1
    chart = section.get_by_role("img", name="API calls per day")
    await expect(chart).to_be_visible()
    await expect(chart.locator("rect.bar")).to_have_count(days)
    await section.get_by_text("Show daily usage as a table").click()
    rows = section.locator(".usage-table tbody tr")
    await expect(rows).to_have_count(days)
    third = first_day + 2 * DAY
    third_value = usage(store, meter, kofi["id"], third, third + DAY)
    await expect(rows.nth(2)).to_contain_text(_day(third))
    await expect(rows.nth(2)).to_contain_text(f"{int(third_value):,}")
    credit = page.locator("#credits")
    await expect(credit.locator(".credit-balance")).to_contain_text("$25.00 of credit pays your usage")
    grants = credit.locator("#credit-grants > li")
    await expect(grants).to_have_count(1)  # the welcome credit is spent
    await expect(grants).to_contain_text("Launch credit")
    await expect(grants).to_contain_text("$25.00 left of $25.00")
    launch = next(g for g in store.iter_type("billing.credit_grant") if g["name"] == "Launch credit")
    await expect(grants).to_contain_text(f"expires on {_day(launch['expires_at'])}")
    credited = page.locator("#upcoming li.credit")
    await expect(credited).to_contain_text("Paid by credit")
    await expect(credited).to_contain_text(f"\u2212{_usd(min(charge, 2500))}")  # a minus sign
    await screenshot(page, "usage")


async def test_a_customer_without_metered_plans_or_credit_sees_neither_and_loads_no_code_for_them(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    await open_portal(page, portal_links, demo_customer(sandbox.state.store)["id"])

    await expect(page.locator("#subscriptions article")).to_have_count(1)
    await expect(page.locator("#usage")).to_be_hidden()
    await expect(page.locator("#credits")).to_be_hidden()
    assert not [url for url in requested if url.endswith("/usage.js")]
