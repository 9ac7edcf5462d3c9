"""The hosted portal for every customer: its language, the merchant's brand, and the login page.

Pages are fetched in-process like a browser would (Accept-Language, cookies, forms); sign-in mails go
through a real SMTP server (aiosmtpd) on a loopback port.
"""

from __future__ import annotations

import gzip
import re
from typing import TYPE_CHECKING, Any

import pytest

from portalql.cli.messages import Gap, check, report
from portalql.web.app import create_app
from portalql.web.brand import Brand, contrast_ratio, ink_on, text_on
from resolvers.mutations.outcome import CUSTOMER_MESSAGES, UserErrorCode
from stripe_sandbox.resources.account import set_branding
from stripe_sandbox.seed import BRAND_PRIMARY, BRAND_SECONDARY, PRODUCT_NAME, demo_customer, open_login_page
from tests.api.mutation_support import MAYA, customer_id, subscription
from tests.fixtures.app import app_settings, client_for
from tests.fixtures.page_modules import first_load, loaded_when_asked, on_demand
from translations import Catalogs, negotiate

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from email.message import EmailMessage

    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle
    from tests.fixtures.smtp import SmtpServer

# The page, every module it loads before it renders (the dialogs' and usage's load when asked for) and its
# one catalog, compressed.
PAGE_BUDGET_BYTES = 40 * 1024


@pytest.fixture
async def portal(
    gateway: StripeGateway, database: Database, smtp_server: SmtpServer
) -> AsyncIterator[httpx.AsyncClient]:
    settings = app_settings(
        smtp_url=smtp_server.url, login_page=True, mail_from="billing@lumenpad.example.com"
    )
    async with client_for(create_app(settings, gateway=gateway, database=database)) as client:
        yield client


# -- languages ---------------------------------------------------------------------------------------------


def test_every_catalog_has_every_message_english_has() -> None:
    assert check() == []


def test_a_missing_message_is_reported_with_its_language_text_and_source() -> None:
    text = report([Gap("de", "Pay now", "portalql/web/static/portal/assets/pay-invoice.js:49", "missing")])
    assert "de: missing: 'Pay now' (portalql/web/static/portal/assets/pay-invoice.js:49)" in text
    assert "python -m portalql.cli.messages update" in text


def test_the_language_is_the_sessions_else_the_browsers_and_formats_match_words() -> None:
    assert negotiate(["de-CH", "fr"]).tag == "de-CH"
    assert negotiate(["de-CH"]).language == "de"
    assert negotiate([None, "zh-CN", "ja"]).language == "ja"
    assert negotiate(["pt"]).language == "pt_BR"
    assert negotiate(["zh"]).tag == "en"


def test_plural_forms_follow_cldr_categories() -> None:
    messages = Catalogs.load().page_messages("de")
    assert messages["per month"] == "pro Monat"
    assert messages["every {n} month"] == {"one": "alle {n} Monate", "other": "alle {n} Monate"}
    assert messages["Renews on {date}."] == "Verlängert sich am {date}."
    # Polish has three forms for whole numbers; the page picks with Intl.PluralRules' categories.
    assert Catalogs.load().page_messages("pl")["every {n} month"] == {
        "one": "co {n} miesiąc",
        "few": "co {n} miesiące",
        "many": "co {n} miesięcy",
    }


@pytest.mark.parametrize(
    ("accept", "lang", "title", "catalog"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "de-DE", "Abrechnung", "/portal/messages/de.json"),
        ("ja", "ja", "請求", "/portal/messages/ja.json"),
        ("en-US", "en-US", "Billing", None),
    ],
)
async def test_the_page_comes_in_the_browsers_language_with_one_catalog(
    portal: httpx.AsyncClient, accept: str, lang: str, title: str, catalog: str | None
) -> None:
    page = await portal.get("/portal", headers={"Accept-Language": accept})
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert f"<title data-i18n>{title}</title>" in page.text
    links = re.findall(r'data-messages href="([^"]+)"', page.text)
    assert links == ([catalog] if catalog else [])
    if catalog:
        served = await portal.get(catalog)
        assert served.status_code == 200
        assert served.json()["messages"]["Pay now"] != "Pay now"
        again = await portal.get(catalog, headers={"If-None-Match": served.headers["ETag"]})
        assert again.status_code == 304


async def test_the_sessions_language_goes_before_the_browsers(portal: httpx.AsyncClient) -> None:
    # A link opened for a session with `locale: "ja"` leaves this cookie for the page.
    portal.cookies.set("portalql_locale", "ja", path="/portal")
    page = await portal.get("/portal", headers={"Accept-Language": "de"})
    assert '<html lang="ja">' in page.text


async def test_the_page_weighs_less_than_40_kb_compressed_with_its_own_catalog(
    portal: httpx.AsyncClient,
) -> None:
    page = await portal.get("/portal", headers={"Accept-Language": "de", "Accept-Encoding": "gzip"})
    paths = re.findall(r'(?:href|src)="(/portal/(?:assets|messages)/[^"]+)"', page.text)
    total = len(gzip.compress(page.content))
    for path in dict.fromkeys(paths):
        response = await portal.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, path
        total += len(gzip.compress(response.content))
    modules = {path.rsplit("/", 1)[1] for path in paths}
    assert {"portal.css", "de.json"} <= modules
    # Every module loaded before the page renders is preloaded, and so measured; no other is.
    assert {module for module in modules if module.endswith(".js")} == first_load()
    assert total < PAGE_BUDGET_BYTES, f"{total} bytes compressed"


def test_the_modules_left_out_of_the_first_load_are_loaded_when_asked_for() -> None:
    # Each dialog's module, and usage's, loads when it opens; none is left that nothing loads.
    assert {"cancel.js", "pause.js", "plan-change.js", "add-card.js", "usage.js"} <= on_demand()
    assert on_demand() == loaded_when_asked()


# -- brand ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "colour", ["#f5b700", "#ffffff", "#000000", "#777777", "#3f4ad9", "#00ff00", "#14213d"]
)
def test_text_on_any_brand_colour_reaches_aa_contrast(colour: str) -> None:
    assert contrast_ratio(text_on(colour), colour) >= 4.5
    assert contrast_ratio(ink_on(colour, "#ffffff"), "#ffffff") >= 4.5


def test_settings_override_the_accounts_brand() -> None:
    brand = Brand.of(None, Brand(name="Acme", primary_color="#123456"))
    assert brand.name == "Acme"
    assert "--accent: #123456;" in brand.css()


async def test_the_page_wears_the_accounts_brand_with_readable_text(
    portal: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    sandbox.reset_calls()
    page = await portal.get("/portal")
    assert f'<p class="brand-name">{PRODUCT_NAME}</p>' in page.text
    css_path = re.search(r'href="(/portal/brand\.css\?v=\w+)"', page.text)
    assert css_path is not None
    css = (await portal.get(css_path.group(1))).text
    accent = re.search(r"--accent: (#\w{6});", css)
    on_accent = re.search(r"--accent-ink: (#\w{6});", css)
    masthead = re.search(r"--masthead: (#\w{6});", css)
    on_masthead = re.search(r"--masthead-ink: (#\w{6});", css)
    assert accent
    assert on_accent
    assert masthead
    assert on_masthead
    assert masthead.group(1) == BRAND_SECONDARY
    assert contrast_ratio(accent.group(1), on_accent.group(1)) >= 4.5
    assert contrast_ratio(accent.group(1), "#ffffff") >= 4.5  # links and focus rings on the white page
    assert contrast_ratio(masthead.group(1), on_masthead.group(1)) >= 4.5
    assert accent.group(1) != BRAND_PRIMARY  # the light yellow was darkened to be read on white
    assert sandbox.calls().get("GET /v1/account", 0) >= 1


async def test_a_logo_from_the_accounts_branding_is_shown_and_allowed_by_the_policy(
    portal: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    from stripe_sandbox.resources.account import new_file_with_link  # noqa: PLC0415

    logo = new_file_with_link(sandbox.state.store, url="https://files.example.com/links/logo")
    set_branding(sandbox.state.store, logo=logo["id"])
    page = await portal.get("/portal")
    assert (
        f'<img class="brand-logo" src="https://files.example.com/links/logo" alt="{PRODUCT_NAME}">'
        in page.text
    )
    assert "img-src 'self' https://files.example.com" in page.headers["Content-Security-Policy"]


# -- login page ------------------------------------------------------------------------------------------


async def csrf_of(client: httpx.AsyncClient) -> str:
    """The token the login page's forms post back (its cookie is now in the client's jar)."""
    page = await client.get("/portal/login")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def submit(
    client: httpx.AsyncClient, path: str, csrf: str, *, headers: dict[str, str] | None = None, **fields: str
) -> httpx.Response:
    """A form of the login page, posted as the browser would (with the token)."""
    return await client.post(path, data={**fields, "csrf": csrf}, headers=headers)


def _code(message: EmailMessage) -> str:
    found = re.search(r"\b(\d{6})\b", str(message.get_content()))
    assert found is not None
    return found.group(1)


async def test_signing_in_by_email_with_the_mailed_code(
    portal: httpx.AsyncClient, sandbox: SandboxHandle, smtp_server: SmtpServer
) -> None:
    inbox = smtp_server
    email = demo_customer(sandbox.state.store)["email"]
    form = await portal.get("/portal/login", headers={"Accept-Language": "de"})
    assert form.status_code == 200
    assert "Anmeldelink senden" in form.text
    csrf = await csrf_of(portal)
    asked = await portal.post(
        "/portal/login", data={"email": email, "csrf": csrf}, headers={"Accept-Language": "de"}
    )
    assert asked.status_code == 200
    assert "Prüfen Sie Ihre E-Mails" in asked.text
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == email
    assert mail["Subject"].startswith(f"Ihr Anmeldecode für {PRODUCT_NAME}")
    login_id = re.search(r'name="login" value="([^"]+)"', asked.text)
    assert login_id is not None
    wrong = await portal.post(
        "/portal/login/code", data={"login": login_id.group(1), "code": "000000", "csrf": csrf}
    )
    code = _code(mail)
    if code != "000000":
        assert wrong.status_code == 400
    signed_in = await portal.post(
        "/portal/login/code", data={"login": login_id.group(1), "code": code, "csrf": csrf}
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/portal"
    assert (
        "portalql_session" in signed_in.headers["set-cookie"]
        or "Path=/portal" in signed_in.headers["set-cookie"]
    )
    again = await portal.post(
        "/portal/login/code", data={"login": login_id.group(1), "code": code, "csrf": csrf}
    )
    assert again.status_code == 400  # single use


async def test_the_mailed_link_signs_in_once_after_a_confirmation(
    portal: httpx.AsyncClient, sandbox: SandboxHandle, smtp_server: SmtpServer
) -> None:
    inbox = smtp_server
    csrf = await csrf_of(portal)
    await portal.post(
        "/portal/login", data={"email": demo_customer(sandbox.state.store)["email"], "csrf": csrf}
    )
    link = re.search(r"https?://\S+/portal/login/link/\S+", str(inbox.messages[0].get_content()))
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    opened = await portal.get(f"/{path}")
    assert opened.status_code == 200  # a scanner fetching the link does not use it
    used = await portal.post(f"/{path}", data={"csrf": csrf})
    assert used.status_code == 303
    assert (await portal.post(f"/{path}", data={"csrf": csrf})).status_code == 410


async def test_unknown_and_known_emails_get_the_same_answer_and_only_customers_get_mail(
    portal: httpx.AsyncClient, sandbox: SandboxHandle, smtp_server: SmtpServer
) -> None:
    inbox = smtp_server
    csrf = await csrf_of(portal)
    known = await portal.post(
        "/portal/login", data={"email": demo_customer(sandbox.state.store)["email"], "csrf": csrf}
    )
    unknown = await submit(portal, "/portal/login", csrf, email="nobody@nowhere.example.com")

    def without_ids(text: str) -> str:
        return re.sub(r'value="pqlc_[^"]+"', "", re.sub(r"[\w.+-]+@[\w.-]+", "EMAIL", text))

    assert known.status_code == unknown.status_code == 200
    assert without_ids(known.text) == without_ids(unknown.text)
    assert len(inbox.messages) == 1


async def test_sign_in_requests_are_limited_per_email(
    gateway: StripeGateway, database: Database, smtp_server: SmtpServer, sandbox: SandboxHandle
) -> None:
    settings = app_settings(smtp_url=smtp_server.url, login_page=True, login_requests_per_email=2)
    email = demo_customer(sandbox.state.store)["email"]
    async with client_for(create_app(settings, gateway=gateway, database=database)) as client:
        csrf = await csrf_of(client)
        answers = [(await submit(client, "/portal/login", csrf, email=email)).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert len(smtp_server.messages) == 2


async def test_an_email_shared_by_two_customers_lets_the_person_choose(
    portal: httpx.AsyncClient, sandbox: SandboxHandle, smtp_server: SmtpServer
) -> None:
    from stripe_sandbox.resources.customers import new_customer  # noqa: PLC0415

    maya = demo_customer(sandbox.state.store)
    other = new_customer(sandbox.state.store, email=maya["email"], name="Maya's second company")
    csrf = await csrf_of(portal)
    asked = await submit(portal, "/portal/login", csrf, email=maya["email"])
    login_id = re.search(r'name="login" value="([^"]+)"', asked.text)
    assert login_id is not None
    chooser = await portal.post(
        "/portal/login/code",
        data={"login": login_id.group(1), "code": _code(smtp_server.messages[0]), "csrf": csrf},
    )
    assert chooser.status_code == 200
    assert "Maya&#x27;s second company" in chooser.text
    token = re.search(r'name="token" value="([^"]+)"', chooser.text)
    assert token is not None
    chosen = await portal.post(
        "/portal/login/choose",
        data={"login": login_id.group(1), "token": token.group(1), "customer": other["id"], "csrf": csrf},
    )
    assert chosen.status_code == 303


async def test_the_login_page_is_off_unless_the_configuration_or_the_settings_turn_it_on(
    gateway: StripeGateway, database: Database, sandbox: SandboxHandle
) -> None:
    async with client_for(create_app(app_settings(), gateway=gateway, database=database)) as client:
        assert (await client.get("/portal/login")).status_code == 404
        assert (await client.post("/portal/login", data={"email": "a@b.example.com"})).status_code == 404

        configuration = open_login_page(sandbox.state.store)  # Stripe's `login_page.enabled`
        assert (await client.get("/portal/login")).status_code == 200
        named = await client.get(f"/portal/login/{configuration['id']}")
        assert named.status_code == 200
        assert f'action="/portal/login/{configuration["id"]}"' in named.text
        assert (await client.get("/portal/login/bpc_doesnotexist00000000")).status_code == 404


async def test_a_sign_in_posted_from_another_site_is_refused(
    portal: httpx.AsyncClient, sandbox: SandboxHandle, smtp_server: SmtpServer
) -> None:
    email = demo_customer(sandbox.state.store)["email"]
    # Another site's form posts without the token, and its request carries no SameSite=Strict cookie.
    forged = await portal.post("/portal/login", data={"email": email, "csrf": "x" * 32})
    assert forged.status_code == 403
    assert smtp_server.messages == []
    csrf = await csrf_of(portal)
    assert (await submit(portal, "/portal/login", csrf, email=email)).status_code == 200


UPDATE_CUSTOMER = """
mutation ($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { userErrors { code message field } }
}
"""


@pytest.mark.parametrize(
    ("accept", "message"),
    [
        ("de-DE", "Geben Sie eine E-Mail-Adresse wie name@example.com ein."),
        ("ja", "name@example.com のようなメールアドレスを入力してください。"),
        ("en-US", None),  # the detailed English message, as for an API key
    ],
)
async def test_a_customer_reads_user_errors_in_their_language(
    portal: httpx.AsyncClient, tokens: Tokens, customer_a: str, accept: str, message: str | None
) -> None:
    token = await tokens.customer_session(customer_a)
    response = await portal.post(
        "/graphql",
        json={"query": UPDATE_CUSTOMER, "variables": {"input": {"email": "not-an-address"}}},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": accept},
    )
    [error] = response.json()["data"]["updateCustomer"]["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_EMAIL", ["input", "email"])
    if message is None:
        assert error["message"] == "'not-an-address' is not an email address."
    else:
        assert error["message"] == message


def test_every_user_error_code_says_what_it_means_to_a_customer() -> None:
    # A session in another language reads these: one missing would leave its refusal without words.
    assert set(CUSTOMER_MESSAGES) == set(UserErrorCode)


REFUSALS = """
query Refusals {
  viewer { customer { subscriptions { actions {
    pause { refusal { code message } }
    resume { refusal { code message } }
  } } } }
}
mutation Pause($pause: PauseSubscriptionInput!) {
  pauseSubscription(input: $pause) { userErrors { code message } }
}
mutation Accept($accept: AcceptRetentionOfferInput!) {
  acceptRetentionOffer(input: $accept) { userErrors { code message } }
}
"""


@pytest.mark.parametrize(
    ("accept", "not_paused", "already_paused", "no_offer"),
    [
        (
            "en-US",
            "This plan is not paused.",
            "This plan is already paused.",
            "This offer was not made for this plan, or was declined.",
        ),
        (
            "de-DE",
            "Dieser Tarif ist nicht pausiert.",
            "Dieser Tarif ist bereits pausiert.",
            "Dieses Angebot ist nicht mehr verfügbar.",
        ),
    ],
)
async def test_a_customer_is_refused_in_words_never_by_a_stripe_id(
    portal: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    accept: str,
    not_paused: str,
    already_paused: str,
    no_offer: str,
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    plan = subscription(sandbox, MAYA)["id"]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": accept}

    async def run(operation: str, variables: dict[str, object] | None = None) -> dict[str, Any]:
        request = {"query": REFUSALS, "operationName": operation, "variables": variables or {}}
        body: dict[str, Any] = (await portal.post("/graphql", json=request, headers=headers)).json()
        assert "errors" not in body, body
        return body["data"]

    def actions(data: dict[str, Any]) -> dict[str, Any]:
        [subscription_actions] = data["viewer"]["customer"]["subscriptions"]
        return dict(subscription_actions["actions"])

    before = actions(await run("Refusals"))
    pause = {"pause": {"subscriptionId": plan, "duration": {"interval": "MONTH"}}}
    assert (await run("Pause", pause))["pauseSubscription"]["userErrors"] == []
    [again] = (await run("Pause", pause))["pauseSubscription"]["userErrors"]
    after = actions(await run("Refusals"))
    accepted = await run("Accept", {"accept": {"subscriptionId": plan, "offerId": "pqro_never_shown"}})
    [offer] = accepted["acceptRetentionOffer"]["userErrors"]

    assert before["resume"]["refusal"] == {"code": "NOT_PAUSED", "message": not_paused}
    assert again == {"code": "ALREADY_PAUSED", "message": already_paused}
    assert after["pause"]["refusal"] == {"code": "ALREADY_PAUSED", "message": already_paused}
    assert offer == {"code": "OFFER_NOT_AVAILABLE", "message": no_offer}
    assert not any("sub_" in refusal["message"] for refusal in (before["resume"]["refusal"], again, offer))


async def test_five_wrong_codes_end_the_request_even_for_the_right_code_after_them(
    portal: httpx.AsyncClient, sandbox: SandboxHandle, smtp_server: SmtpServer
) -> None:
    csrf = await csrf_of(portal)
    asked = await submit(portal, "/portal/login", csrf, email=demo_customer(sandbox.state.store)["email"])
    login_id = re.search(r'name="login" value="([^"]+)"', asked.text)
    assert login_id is not None
    code = _code(smtp_server.messages[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        answer = await submit(portal, "/portal/login/code", csrf, login=login_id.group(1), code=wrong)
        assert answer.status_code == 400
    right = await submit(portal, "/portal/login/code", csrf, login=login_id.group(1), code=code)
    assert right.status_code == 400
    assert "portalql_session" not in right.headers.get("set-cookie", "")
