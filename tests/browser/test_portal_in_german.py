"""The hosted page for a German session, in headless Chromium: pausing, the retention offer and the usage
panel speak German, and none of their English words is left on screen. Names the merchant chose (plans,
meters, offers, credit grants) stay as written."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from playwright.async_api import expect

from stripe_sandbox.seed import usage_customer
from tests.browser.fixtures import BROWSER_LOOP, screenshot
from tests.browser.test_portal_page import maya, open_portal
from tests.browser.test_portal_retention import HALF_OFF, make_offer

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

    from tests.browser.fixtures import PortalLinks
    from tests.fixtures.sandbox import SandboxHandle

pytestmark = BROWSER_LOOP

# "6. März 2027", as `Intl.DateTimeFormat('de', { dateStyle: 'long' })` writes a day. Amounts are written
# "30,00 $", with a no-break space.
GERMAN_DATE = r"\d{1,2}\. [A-ZÄÖÜ][a-zä]+ \d{4}"


async def expect_no_english(place: Locator, *phrases: str) -> None:
    """None of the page's English `phrases` (its own words, not the merchant's names) is shown in `place`."""
    text = await place.inner_text()
    assert [phrase for phrase in phrases if phrase in text] == [], text


async def test_pausing_speaks_german(page: Page, portal_links: PortalLinks, sandbox: SandboxHandle) -> None:
    await open_portal(page, portal_links, maya(sandbox)["id"], locale="de")

    await page.get_by_role("button", name="Tarif pausieren Pro").click()
    dialog = page.get_by_role("dialog", name="Zahlungen pausieren")
    await expect(dialog.get_by_label("1 Monat", exact=True)).to_be_checked()
    await dialog.get_by_label("3 Monate").check()
    await expect(dialog.locator("#pause-summary")).to_have_text(
        re.compile(
            rf"^Die Zahlungen pausieren bis zum {GERMAN_DATE}\. "
            r"Ihre nächste Zahlung über 30,00\s\$ erfolgt am "
        )
    )
    await expect(dialog).to_contain_text("Solange Ihr Tarif pausiert ist, wird Ihnen nichts berechnet.")
    await expect_no_english(
        dialog, "Pause payments", "Pause for", "Payments pause", "Your next payment", "While your plan",
        "Keep paying", "month",
    )  # fmt: skip
    await screenshot(page, "pause-de")
    await dialog.get_by_role("button", name="Zahlungen pausieren").click()

    await expect(page.get_by_role("status")).to_have_text(
        re.compile(rf"^Ihr Tarif Pro ist bis zum {GERMAN_DATE} pausiert\.$")
    )
    plan = page.locator("#subscriptions article")
    await expect(plan.locator(".badge.paused")).to_have_text("Pausiert")
    await expect(plan).to_contain_text(
        re.compile(rf"Pausiert bis zum {GERMAN_DATE}, danach wieder 30,00\s\$\.")
    )
    await expect(plan.get_by_role("button", name="Jetzt fortsetzen Pro")).to_be_visible()
    await expect_no_english(plan, "Paused", "resumes at", "Resume now", "Pause plan")


async def test_the_retention_offer_speaks_german(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    await make_offer(portal_links, {**HALF_OFF, "name": "Treuerabatt"})
    await open_portal(page, portal_links, maya(sandbox)["id"], locale="de")

    await page.get_by_role("button", name="Tarif kündigen Pro").click()
    dialog = page.get_by_role("dialog", name="Tarif kündigen")
    await dialog.get_by_label("Es ist zu teuer").check()
    await dialog.get_by_role("button", name="Tarif kündigen").click()

    await expect(dialog.get_by_role("heading", name="Treuerabatt")).to_be_focused()
    await expect(dialog).to_contain_text("Bevor Sie gehen: Wir haben ein Angebot für Sie.")
    await expect(dialog).to_contain_text("50 % Rabatt auf Ihre Rechnungen für 3 Monate.")
    await expect(dialog.get_by_role("button", name="Nein danke, Tarif kündigen")).to_be_visible()
    await expect_no_english(
        dialog, "off your", "months", "Before you go", "here is an offer", "Accept offer", "No thanks",
        "cancel plan",
    )  # fmt: skip
    await screenshot(page, "retention-offer-de")
    await dialog.get_by_role("button", name="Angebot annehmen").click()

    await expect(page.get_by_role("status")).to_have_text(
        "Treuerabatt: erledigt. Ihr Tarif Pro läuft weiter."
    )


async def test_usage_and_credit_speak_german(
    page: Page, portal_links: PortalLinks, sandbox: SandboxHandle
) -> None:
    await open_portal(page, portal_links, usage_customer(sandbox.state.store)["id"], locale="de")

    usage = page.locator("#usage")
    await expect(usage.get_by_role("heading", name="Nutzung in diesem Zeitraum")).to_be_visible()
    await expect(usage.locator(".usage-total")).to_contain_text(re.compile(r"^[\d.]+ genutzt seit "))
    await expect(usage.locator(".usage-projection")).to_contain_text(
        re.compile(
            rf"^Wenn die Nutzung jetzt endete, kostete dieser Zeitraum .+, abgerechnet am {GERMAN_DATE}\.$"
        )
    )
    tiers = usage.locator("table.tiers")
    await expect(tiers.locator("caption")).to_have_text("Preisstufen")
    await expect(tiers.locator("thead")).to_have_text("EinheitenPro EinheitGrundgebühr")
    await expect(tiers.locator("tr[aria-current='true']")).to_contain_text(
        "1.001 bis 10.000 (dieser Zeitraum)"
    )
    await expect(usage.get_by_role("img", name="API calls pro Tag")).to_be_visible()
    await usage.get_by_text("Tägliche Nutzung als Tabelle anzeigen").click()
    await expect(usage.locator(".usage-table thead")).to_have_text("TagAPI calls")
    await expect(usage.locator(".as-of")).to_contain_text("Stand: ")
    credit = page.locator("#credits")
    await expect(credit.get_by_role("heading", name="Guthaben")).to_be_visible()
    await expect(credit.locator(".credit-balance")).to_contain_text("Guthaben bezahlen Ihre Nutzung")
    await expect(credit.locator("#credit-grants")).to_contain_text(
        re.compile(r"25,00\s\$ von 25,00\s\$ übrig")
    )
    await expect_no_english(
        page.locator("main"), "Usage this period", "used since", "If usage stopped", "Price tiers", "Units",
        "Per unit", "Flat fee", "this period", "per day", "a day at most", "Show daily usage", "As of",
        "of credit pays", "left of", "expires on", "does not expire", "starts on", "(promotional)", "(paid)",
    )  # fmt: skip
    await screenshot(page, "usage-de")
