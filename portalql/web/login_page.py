"""The login page: a permanent URL where customers sign in to the hosted portal by email, like Stripe's
`login_page` (`/portal/login` for the default configuration, `/portal/login/<configuration id>`).

A customer types their email; if customers have it, a six-digit code and a one-time link go to it by mail.
The answer is the same whether or not anyone has the email, and the lookup and the mail happen after it is
sent, so neither words nor timing tell who is a customer. Codes and links are hashed, last
`login_code_ttl_seconds`, sign in once, and requests are limited per email and per client IP. An email
several customers share asks which one to open. The page is on when the configuration's
`login_page.enabled` is, or `PORTALQL_LOGIN_PAGE` is set.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.background import BackgroundTask

from portalql.persistence.repositories import login_codes
from portalql.persistence.repositories.sessions import create_customer_session
from portalql.web.auth import SESSION_COOKIE
from portalql.web.portal_page import BRAND_CSS_PATH, PAGE_PATH, page_language
from stripe_gateway.errors import GatewayError, NotFound

if TYPE_CHECKING:
    from portalql.mail import Mailer, Outbox
    from portalql.persistence.models import LoginCode
    from portalql.runtime import Runtime
    from portalql.web.brand import Brand
    from stripe_gateway.records import PortalConfiguration
    from translations import Translator

logger = logging.getLogger(__name__)

LOGIN_PATH = "/portal/login"
OUTBOX_PATH = "/portal/dev/outbox"
# What a mail can be sent to: one address, no display name, no header tricks.
_EMAIL = re.compile(r"[^@\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}")
_CODE = re.compile(r"\d{6}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
CSRF_COOKIE = "portalql_login"
_CUSTOMERS_PER_EMAIL = 10
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' https:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}


@dataclass(frozen=True)
class _Reader:
    """Who reads a page: their language tag, and the token every form of theirs posts back. The token is
    also a SameSite=Strict cookie, which another site's form cannot send: a post without the two matching
    (signing someone into the attacker's account, say) is refused."""

    tag: str
    csrf: str
    https: bool


def _page(
    tr: Translator, reader: _Reader, brand: Brand, title: str, body: str, *, status: int = 200
) -> HTMLResponse:
    name = f'<p class="brand-name">{escape(brand.name)}</p>' if brand.name else ""
    style = f'<link rel="stylesheet" href="{BRAND_CSS_PATH}">' if brand.css() else ""
    heading = escape(tr.gettext("Billing"))
    document = (
        f'<!doctype html><html lang="{escape(reader.tag)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/portal/assets/portal.css">'
        f"{style}</head>"
        f'<body><header class="masthead"><div class="wrap">{name}<h1>{heading}</h1>'
        f'</div></header><main id="main" class="wrap"><section class="card" aria-labelledby="page-title">'
        f'<h2 id="page-title">{escape(title)}</h2>{body}</section></main></body></html>'
    )
    hidden = f'<input type="hidden" name="csrf" value="{escape(reader.csrf)}">'
    document = re.sub(r'(<form method="post"[^>]*>)', lambda form: form.group(1) + hidden, document)
    response = HTMLResponse(document, status_code=status, headers=_HEADERS)
    response.set_cookie(
        CSRF_COOKIE,
        reader.csrf,
        max_age=3600,
        path=LOGIN_PATH,
        httponly=True,
        samesite="strict",
        secure=reader.https,
    )
    return response


def _email_form(tr: Translator, action: str, email: str = "", error: str = "") -> str:
    problem = f'<p class="field-error" id="email-error">{escape(error)}</p>' if error else ""
    invalid = ' aria-invalid="true" aria-describedby="email-error"' if error else ""
    prompt = escape(tr.gettext("Enter your email address to get a sign-in link and code."))
    email_label = escape(tr.gettext("Email"))
    send = escape(tr.gettext("Send sign-in link"))
    return (
        f'<form method="post" action="{escape(action)}">'
        f"<p>{prompt}</p>"
        f'<div class="field"><label for="email">{email_label}</label>'
        f'<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" '
        f'value="{escape(email)}"{invalid}></div>{problem}'
        f'<div class="actions"><button type="submit" class="button primary">'
        f"{send}</button></div></form>"
    )


def _code_form(tr: Translator, login_id: str, error: str = "") -> str:
    problem = f'<p class="field-error" id="code-error">{escape(error)}</p>' if error else ""
    invalid = ' aria-invalid="true" aria-describedby="code-error"' if error else ""
    code_label = escape(tr.gettext("Sign-in code"))
    sign_in = escape(tr.gettext("Sign in"))
    return (
        f'<form method="post" action="{LOGIN_PATH}/code">'
        f'<input type="hidden" name="login" value="{escape(login_id)}">'
        f'<div class="field"><label for="code">{code_label}</label>'
        f'<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{{6}}" '
        f'maxlength="6" required{invalid}></div>{problem}'
        f'<div class="actions"><button type="submit" class="button primary">'
        f"{sign_in}</button></div></form>"
    )


def login_router(  # noqa: PLR0915 - the page's steps share the runtime, the mailer and the settings
    runtime: Runtime, mailer: Mailer, outbox: Outbox | None
) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    settings = runtime.settings
    ttl = timedelta(seconds=settings.login_code_ttl_seconds)

    def translator(request: Request) -> tuple[Translator, _Reader]:
        choice = page_language(request)
        held = request.cookies.get(CSRF_COOKIE, "")
        csrf = held if _TOKEN.fullmatch(held) else secrets.token_urlsafe(24)
        https = settings.public_url.startswith("https://") or request.url.scheme == "https"
        return runtime.catalogs.translator(choice.language), _Reader(choice.tag, csrf, https)

    async def refused(request: Request, csrf: str) -> HTMLResponse | None:
        """The page to answer a post that did not come from this site's own form, or None."""
        held = request.cookies.get(CSRF_COOKIE, "")
        if held and _TOKEN.fullmatch(held) and hmac.compare_digest(held, csrf):
            return None
        tr, reader = translator(request)
        expired = escape(tr.gettext("This form has expired. Go back, reload it and try again."))
        body = f"<p>{expired}</p>"
        return _page(tr, reader, await runtime.brand(), tr.gettext("Sign in"), body, status=403)

    async def configuration(configuration_id: str | None) -> PortalConfiguration | None:
        """The configuration the page signs in to, when its login page is on (or portalql turns it on)."""
        gateway = runtime.services.gateway
        try:
            found = (
                await gateway.retrieve_portal_configuration(configuration_id)
                if configuration_id
                else await gateway.default_portal_configuration()
            )
        except (NotFound, ValueError):
            return None
        return found if found.active and (found.login_page_enabled or settings.login_page) else None

    async def not_found(request: Request) -> HTMLResponse:
        tr, reader = translator(request)
        unavailable = escape(tr.gettext("Sign-in by email is not available here."))
        body = f"<p>{unavailable}</p>"
        return _page(tr, reader, await runtime.brand(), tr.gettext("Page not found"), body, status=404)

    async def send_code(
        issued: login_codes.IssuedLogin, email: str, language: str, lang: str, base_url: str
    ) -> None:
        """After the answer: find the email's customers, and mail them the code and link."""
        try:
            page = await runtime.services.gateway.list_customers(limit=_CUSTOMERS_PER_EMAIL, email=email)
        except GatewayError as error:
            logger.warning("login %s: customers could not be looked up: %s", issued.id, type(error).__name__)
            return
        customers = [{"id": customer.id, "name": customer.name or customer.id} for customer in page.data]
        if not customers:
            return
        async with runtime.services.database.session() as db:
            await login_codes.record_customers(db, issued.id, customers)
        tr = runtime.catalogs.translator(language)
        brand = await runtime.brand()
        business = brand.name or tr.gettext("Billing")
        link = f"{base_url}{LOGIN_PATH}/link/{issued.link_token}"
        minutes = settings.login_code_ttl_seconds // 60
        message = EmailMessage()
        message["From"] = settings.mail_from
        message["To"] = email
        message["Subject"] = tr.gettext(
            "Your sign-in code for {business}: {code}", business=business, code=issued.code
        )
        message["Content-Language"] = lang
        message.set_content(
            "\n\n".join(
                (
                    tr.gettext("Your sign-in code is {code}.", code=issued.code),
                    tr.gettext("Or sign in with this link: {link}", link=link),
                    tr.ngettext(
                        "The code and the link work once, for {n} minute.",
                        "The code and the link work once, for {n} minutes.",
                        minutes,
                    ),
                    tr.gettext("If you did not ask to sign in, you can ignore this email."),
                )
            )
            + "\n"
        )
        try:
            await mailer.send(message)
        except Exception as error:
            logger.warning("login %s: the mail could not be sent: %s", issued.id, type(error).__name__)

    async def sign_in(request: Request, row: LoginCode, customer_id: str) -> Response:
        async with runtime.services.database.session() as db:
            created = await create_customer_session(
                db,
                customer_id=customer_id,
                ttl=timedelta(seconds=settings.customer_session_ttl_seconds),
                configuration_id=row.configuration_id,
            )
        response = RedirectResponse(PAGE_PATH, status_code=303, headers={"Cache-Control": "no-store"})
        response.set_cookie(
            SESSION_COOKIE,
            created.token,
            max_age=settings.customer_session_ttl_seconds,
            path=PAGE_PATH,
            secure=settings.public_url.startswith("https://") or request.url.scheme == "https",
            httponly=True,
            samesite="lax",
        )
        return response

    async def signed_in(request: Request, row: LoginCode | None, *, failed: HTMLResponse) -> Response:
        if row is None:
            return failed
        if len(row.customers) == 1:
            return await sign_in(request, row, row.customers[0]["id"])
        async with runtime.services.database.session() as db:
            fresh = await db.get(type(row), row.id)
            assert fresh is not None
            token = await login_codes.offer_choice(db, fresh)
        tr, reader = translator(request)
        choices = "".join(
            f'<form method="post" action="{LOGIN_PATH}/choose" class="row">'
            f'<input type="hidden" name="login" value="{escape(row.id)}">'
            f'<input type="hidden" name="token" value="{escape(token)}">'
            f'<input type="hidden" name="customer" value="{escape(customer["id"])}">'
            f'<button type="submit" class="button">{escape(customer["name"])}</button></form>'
            for customer in row.customers
        )
        question = escape(tr.gettext("Several accounts use this email. Which one do you want to open?"))
        intro = f"<p>{question}</p>"
        return _page(tr, reader, await runtime.brand(), tr.gettext("Choose an account"), intro + choices)

    @router.post(LOGIN_PATH + "/code")
    async def enter_code(
        request: Request,
        login: str = Form(max_length=60),
        code: str = Form(max_length=20),
        csrf: str = Form("", max_length=64),
    ) -> Response:
        if (refusal := await refused(request, csrf)) is not None:
            return refusal
        tr, reader = translator(request)
        code = code.strip()
        row = None
        if _CODE.fullmatch(code):
            async with runtime.services.database.session() as db:
                row = await login_codes.redeem_code(db, login, code)
        wrong = _code_form(
            tr, login, tr.gettext("That code is wrong or has expired. Check it, or ask for a new one.")
        )
        failed = _page(tr, reader, await runtime.brand(), tr.gettext("Check your email"), wrong, status=400)
        return await signed_in(request, row, failed=failed)

    @router.get(LOGIN_PATH + "/link/{token}")
    async def open_link(request: Request, token: str) -> Response:
        # Opening the link only asks to confirm: mail scanners that fetch links must not use it up.
        tr, reader = translator(request)
        brand = await runtime.brand()
        async with runtime.services.database.session() as db:
            row = await login_codes.peek_link(db, token[:100])
        if row is None:
            return _expired_link(tr, reader, brand)
        sign_in = escape(tr.gettext("Sign in"))
        body = (
            f'<form method="post" action="{LOGIN_PATH}/link/{escape(token)}"><div class="actions">'
            f'<button type="submit" class="button primary">{sign_in}</button>'
            "</div></form>"
        )
        return _page(tr, reader, brand, tr.gettext("Sign in"), body)

    @router.post(LOGIN_PATH + "/link/{token}")
    async def use_link(request: Request, token: str, csrf: str = Form("", max_length=64)) -> Response:
        if (refusal := await refused(request, csrf)) is not None:
            return refusal
        tr, reader = translator(request)
        async with runtime.services.database.session() as db:
            row = await login_codes.redeem_link(db, token[:100])
        return await signed_in(request, row, failed=_expired_link(tr, reader, await runtime.brand()))

    @router.post(LOGIN_PATH + "/choose")
    async def choose(
        request: Request,
        login: str = Form(max_length=60),
        token: str = Form(max_length=100),
        customer: str = Form(max_length=255),
        csrf: str = Form("", max_length=64),
    ) -> Response:
        if (refusal := await refused(request, csrf)) is not None:
            return refusal
        async with runtime.services.database.session() as db:
            row = await login_codes.redeem_choice(db, login, token, customer)
        if row is None:
            tr, reader = translator(request)
            return _expired_link(tr, reader, await runtime.brand())
        return await sign_in(request, row, customer)

    # After the fixed paths above, which a configuration id would otherwise shadow.
    @router.get(LOGIN_PATH)
    @router.get(LOGIN_PATH + "/{configuration_id:str}")
    async def login_form(request: Request, configuration_id: str | None = None) -> Response:
        if configuration_id is not None and not configuration_id.startswith("bpc_"):
            return await not_found(request)
        if await configuration(configuration_id) is None:
            return await not_found(request)
        tr, reader = translator(request)
        action = f"{LOGIN_PATH}/{quote(configuration_id)}" if configuration_id else LOGIN_PATH
        return _page(tr, reader, await runtime.brand(), tr.gettext("Sign in"), _email_form(tr, action))

    @router.post(LOGIN_PATH)
    @router.post(LOGIN_PATH + "/{configuration_id:str}")
    async def request_code(
        request: Request,
        email: str = Form(max_length=254),
        csrf: str = Form("", max_length=64),
        configuration_id: str | None = None,
    ) -> Response:
        if configuration_id is not None and not configuration_id.startswith("bpc_"):
            return await not_found(request)
        found = await configuration(configuration_id)
        if found is None:
            return await not_found(request)
        if (refusal := await refused(request, csrf)) is not None:
            return refusal
        tr, reader = translator(request)
        brand = await runtime.brand()
        email = email.strip()
        action = f"{LOGIN_PATH}/{quote(configuration_id)}" if configuration_id else LOGIN_PATH
        if not _EMAIL.fullmatch(email):
            form = _email_form(
                tr, action, email, tr.gettext("Enter an email address such as name@example.com.")
            )
            return _page(tr, reader, brand, tr.gettext("Sign in"), form, status=400)
        client_ip = request.client.host if request.client else None
        async with runtime.services.database.session() as db:
            by_email, by_ip = await login_codes.requests_since(db, email=email.lower(), client_ip=client_ip)
            if by_email >= settings.login_requests_per_email or by_ip >= settings.login_requests_per_ip:
                too_many = escape(tr.gettext("Too many sign-in requests. Try again in an hour."))
                body = f"<p>{too_many}</p>"
                return _page(tr, reader, brand, tr.gettext("Sign in"), body, status=429)
            issued = await login_codes.issue_login(
                db, email=email.lower(), client_ip=client_ip, configuration_id=found.id, ttl=ttl
            )
        sent = tr.gettext(
            "If an account uses {email}, we have sent it a sign-in link and code. Enter the code here, or "
            "open the link.",
            email=email,
        )
        response = _page(
            tr,
            reader,
            brand,
            tr.gettext("Check your email"),
            f"<p>{escape(sent)}</p>" + _code_form(tr, issued.id),
        )
        base_url = settings.public_url.rstrip("/")
        response.background = BackgroundTask(send_code, issued, email, tr.language, reader.tag, base_url)
        return response

    if outbox is not None:

        @router.get(OUTBOX_PATH)
        async def show_outbox() -> HTMLResponse:
            """Development only: the mails that would have gone out, newest first."""
            items = "".join(
                f"<article class='card'><h2>{escape(str(message['Subject']))}</h2>"
                f"<p>To {escape(str(message['To']))}</p>"
                f"<pre>{escape(str(message.get_content()))}</pre></article>"
                for message in outbox.messages
            )
            document = (
                '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outbox</title>'
                '<link rel="stylesheet" href="/portal/assets/portal.css"></head><body><main class="wrap">'
                f"<h1>Outbox</h1>{items or '<p>No mail yet.</p>'}</main></body></html>"
            )
            return HTMLResponse(document, headers=_HEADERS)

    return router


def _expired_link(tr: Translator, reader: _Reader, brand: Brand) -> HTMLResponse:
    expired = escape(tr.gettext("This sign-in link or code has expired or was already used."))
    ask_again = escape(tr.gettext("Ask for a new one"))
    body = f'<p>{expired}</p><p><a class="button primary" href="{LOGIN_PATH}">{ask_again}</a></p>'
    return _page(tr, reader, brand, tr.gettext("This link cannot be used"), body, status=410)
