"""The hosted page follows changes made elsewhere as they happen: in another tab of the same session, or by
the product's backend (support) through the API, the open page shows them without being reloaded."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from playwright.async_api import expect

from stripe_sandbox.seed import demo_customer
from tests.browser.fixtures import BROWSER_LOOP, STEP_TIMEOUT_MS

if TYPE_CHECKING:
    from playwright.async_api import Page

    from tests.browser.fixtures import PortalLinks
    from tests.fixtures.sandbox import SandboxHandle

pytestmark = BROWSER_LOOP
# The page's pause for changes arriving together (`REFRESH_DELAY_MS` in app.js).
_REFRESH_DELAY_MS = 250

RENAME = """
mutation Rename($customerId: ID!, $name: String!) {
  updateCustomer(input: {customerId: $customerId, name: $name}) { userErrors { code } }
}
"""


def maya(sandbox: SandboxHandle) -> dict[str, Any]:
    return demo_customer(sandbox.state.store)


async def opened(page: Page, url: str) -> None:
    await page.goto(url)
    await expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")


async def test_a_card_made_default_in_another_tab_shows_in_this_one(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    await opened(page, await portal_links.create(maya(sandbox)["id"]))
    # The same session in a second tab: the cookie the link set serves it.
    other = await page.context.new_page()
    await opened(other, page.url)

    await other.get_by_role("button", name="Make default Mastercard •••• 4444").click()
    await expect(other.get_by_role("status")).to_have_text(
        "Mastercard •••• 4444 is now your default payment method."
    )

    methods = page.locator("#payment-method-list > li")
    await expect(methods.filter(has_text="Mastercard •••• 4444")).to_contain_text("Default")
    await expect(methods.filter(has_text="Visa •••• 4242")).not_to_contain_text("Default")


async def test_a_change_made_by_support_shows_and_waits_for_an_open_dialog(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    customer_id = maya(sandbox)["id"]
    # The changes the page's socket is told of.
    changes: list[str | bytes] = []
    # (A lambda: playwright cannot take a builtin method as a listener.)
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: changes.append(frame)))  # noqa: PLW0108
    await opened(page, await portal_links.create(customer_id))
    details = page.locator("#details-list")
    await expect(details).to_contain_text("Maya Chen")

    body = await portal_links.graphql(RENAME, {"customerId": customer_id, "name": "Maya Chen-Ortiz"})
    assert body["data"]["updateCustomer"]["userErrors"] == []
    await expect(details).to_contain_text("Maya Chen-Ortiz")
    assert any("billingChanged" in str(frame) for frame in changes)

    # While the customer is in a dialog, nothing moves under their hands; it does once they close it.
    await page.get_by_role("button", name="Remove Visa •••• 4242").click()
    dialog = page.get_by_role("dialog", name="Remove payment method?")
    await expect(dialog).to_be_visible()
    reads: list[str] = []
    page.on("request", lambda request: reads.append(request.url) if request.method == "POST" else None)
    told = len(changes)
    body = await portal_links.graphql(RENAME, {"customerId": customer_id, "name": "Maya Ortiz"})
    assert body["data"]["updateCustomer"]["userErrors"] == []
    async with asyncio.timeout(STEP_TIMEOUT_MS / 1000):
        while len(changes) == told:  # noqa: ASYNC110 - the frames arrive through the page's event
            await asyncio.sleep(0.02)
    # Past the page's short delay for changes arriving together: still nothing read, nothing changed.
    await page.wait_for_timeout(_REFRESH_DELAY_MS * 4)
    assert reads == []
    await expect(details).to_contain_text("Maya Chen-Ortiz")
    await dialog.get_by_role("button", name="Keep it").click()
    await expect(details).to_contain_text("Maya Ortiz")
    await expect(details).not_to_contain_text("Maya Chen-Ortiz")
