"""`createPortalSession`, `createCustomerSession` and `revokeCustomerSession` over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from stripe_sandbox.resources.catalog import new_price
from tests.api.mutation_support import (
    AMARA,
    LIAM,
    MAYA,
    NOAH,
    codes,
    customer_id,
    mutate,
    portal_configuration,
    price_id,
    subscription,
    writes,
)
from tests.fixtures.app import BASE_URL, error_codes, graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

PORTAL = """
portalSession {
  id kind url returnUrl expiresAt configurationId
  flow { type subscription { id } items { itemId price { id } quantity } afterCompletionRedirectUrl }
  capabilities {
    viewInvoices updatePaymentMethods updateCustomerFields cancelSubscriptions cancelMode cancellationReasons
    changePlans
  }
  customer { id }
}
"""
SESSION = "customerSession { id token expiresAt scopes customer { id } }"
RETURN_URL = "https://app.lumenpad.example.com/settings/billing"
VIEWER = "{ viewer { kind scopes customer { id } } }"


def portal_sessions(sandbox: SandboxHandle) -> list[dict[str, Any]]:
    return list(sandbox.state.store.all("billing_portal.session"))


async def create_portal(api: httpx.AsyncClient, token: str, **given: Any) -> dict[str, Any]:
    return await mutate(api, "createPortalSession", given, token, PORTAL)


async def test_a_stripe_portal_session_opens_on_the_cancel_step(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya, subscription_id = customer_id(sandbox, MAYA), subscription(sandbox, MAYA)["id"]
    flow = {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionId": subscription_id,
        "afterCompletion": {"type": "REDIRECT", "redirectUrl": f"{RETURN_URL}?canceled=1"},
    }

    payload = await create_portal(
        api,
        await tokens.api_key(),
        customerId=maya,
        kind="STRIPE",
        returnUrl=RETURN_URL,
        flow=flow,
        locale="en",
    )

    assert payload["userErrors"] == []
    session = payload["portalSession"]
    [stored] = portal_sessions(sandbox)
    assert (session["id"], session["url"], session["kind"]) == (stored["id"], stored["url"], "STRIPE")
    assert session["expiresAt"] is None
    assert session["flow"]["subscription"] == {"id": subscription_id}
    assert session["customer"] == {"id": maya}
    assert (stored["customer"], stored["return_url"], stored["locale"]) == (maya, RETURN_URL, "en")
    assert stored["flow"]["subscription_cancel"]["subscription"] == subscription_id
    assert stored["flow"]["after_completion"]["redirect"] == {"return_url": f"{RETURN_URL}?canceled=1"}


async def test_a_retried_stripe_portal_session_is_the_same_session(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token, maya = await tokens.api_key(), customer_id(sandbox, MAYA)

    first = await create_portal(api, token, customerId=maya, kind="STRIPE", idempotencyKey="open-1")
    retry = await create_portal(api, token, customerId=maya, kind="STRIPE", idempotencyKey="open-1")

    assert first["portalSession"]["id"] == retry["portalSession"]["id"]
    assert first["portalSession"]["returnUrl"] == RETURN_URL  # the configuration's default
    assert len(portal_sessions(sandbox)) == 1  # Stripe replayed the first answer to the retry


async def test_a_hosted_portal_link_is_a_one_time_url_of_this_service(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya = customer_id(sandbox, MAYA)
    before = datetime.now(UTC)

    payload = await create_portal(
        api, await tokens.api_key(), customerId=maya, kind="HOSTED", returnUrl=RETURN_URL
    )

    assert payload["userErrors"] == []
    session = payload["portalSession"]
    assert session["url"].startswith(f"{BASE_URL}/portal/s/")
    assert session["id"].startswith("pqps_")
    expires = datetime.fromisoformat(session["expiresAt"])
    assert before + timedelta(minutes=14) < expires <= datetime.now(UTC) + timedelta(minutes=15)
    assert session["capabilities"] == {
        "viewInvoices": True,
        "updatePaymentMethods": True,
        "updateCustomerFields": ["EMAIL", "NAME", "ADDRESS", "PHONE", "SHIPPING", "TAX_ID"],
        "cancelSubscriptions": True,
        "cancelMode": "AT_PERIOD_END",
        "cancellationReasons": [
            "CUSTOMER_SERVICE",
            "LOW_QUALITY",
            "MISSING_FEATURES",
            "OTHER",
            "SWITCHED_SERVICE",
            "TOO_COMPLEX",
            "TOO_EXPENSIVE",
            "UNUSED",
        ],
        "changePlans": True,
    }
    assert writes(sandbox) == {}  # nothing of Stripe's is created for our own portal


@pytest.mark.parametrize("name", [AMARA, LIAM])
async def test_capabilities_offer_only_what_the_customer_can_still_do(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, name: str
) -> None:
    payload = await create_portal(
        api, await tokens.api_key(), customerId=customer_id(sandbox, name), kind="HOSTED"
    )

    capabilities = payload["portalSession"]["capabilities"]
    assert (capabilities["cancelSubscriptions"], capabilities["changePlans"]) == (False, False)
    assert capabilities["viewInvoices"] is True


def _unoffered_price(sandbox: SandboxHandle) -> str:
    """A price of an offered plan that the portal configuration does not list; its lookup key."""
    store = sandbox.state.store
    business = next(p for p in store.iter_type("price") if p["lookup_key"] == "business_monthly")
    new_price(
        store,
        product=business["product"],
        unit_amount=business["unit_amount"] * 2,
        currency="usd",
        interval="month",
        lookup_key="business_monthly_unlisted",
    )
    return "business_monthly_unlisted"


def _confirm_flow(
    sandbox: SandboxHandle, name: str, *, items: bool = True, price: str = "business_monthly"
) -> dict[str, Any]:
    subscription_now = subscription(sandbox, name)
    item = {"itemId": subscription_now["items"]["data"][0]["id"], "priceId": price_id(sandbox, price)}
    return {
        "type": "SUBSCRIPTION_UPDATE_CONFIRM",
        "subscriptionId": subscription_now["id"],
        **({"items": [item]} if items else {}),
    }


async def test_an_update_confirm_flow_carries_the_change(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    flow = _confirm_flow(sandbox, MAYA)

    payload = await create_portal(
        api, await tokens.api_key(), customerId=customer_id(sandbox, MAYA), kind="STRIPE", flow=flow
    )

    assert payload["userErrors"] == []
    assert payload["portalSession"]["flow"]["items"] == [
        {"itemId": flow["items"][0]["itemId"], "price": {"id": flow["items"][0]["priceId"]}, "quantity": None}
    ]
    [stored] = portal_sessions(sandbox)
    assert stored["flow"]["subscription_update_confirm"]["items"][0]["price"] == flow["items"][0]["priceId"]


BAD_REQUESTS = [
    pytest.param(
        lambda s: {"flow": {"type": "SUBSCRIPTION_CANCEL", "subscriptionId": subscription(s, NOAH)["id"]}},
        ("NOT_FOUND", ["input", "flow", "subscriptionId"]),
        id="someone-elses-subscription",
    ),
    pytest.param(
        lambda s: {
            "customerId": customer_id(s, LIAM),
            "flow": {"type": "SUBSCRIPTION_UPDATE", "subscriptionId": subscription(s, LIAM)["id"]},
        },
        ("SUBSCRIPTION_ENDED", ["input", "flow", "subscriptionId"]),
        id="ended-subscription",
    ),
    pytest.param(
        lambda _: {"flow": {"type": "SUBSCRIPTION_CANCEL"}},
        ("INVALID_INPUT", ["input", "flow", "subscriptionId"]),
        id="no-subscription",
    ),
    pytest.param(
        lambda s: {"flow": _confirm_flow(s, MAYA, items=False)},
        ("INVALID_INPUT", ["input", "flow", "items"]),
        id="confirm-without-items",
    ),
    pytest.param(
        lambda _: {"flow": {"type": "PAYMENT_METHOD_UPDATE", "afterCompletion": {"type": "REDIRECT"}}},
        ("INVALID_INPUT", ["input", "flow", "afterCompletion", "redirectUrl"]),
        id="redirect-without-url",
    ),
    pytest.param(
        lambda s: {"flow": _confirm_flow(s, MAYA, price="pro_monthly_jpy")},
        ("PRICE_NOT_ALLOWED", ["input", "flow", "items"]),
        id="confirm-another-currency",
    ),
    pytest.param(
        lambda s: {"flow": _confirm_flow(s, MAYA, price=_unoffered_price(s))},
        ("PRICE_NOT_ALLOWED", ["input", "flow", "items"]),
        id="confirm-a-price-the-portal-does-not-offer",
    ),
    pytest.param(
        lambda _: {
            "flow": {
                "type": "PAYMENT_METHOD_UPDATE",
                "afterCompletion": {"type": "PORTAL_HOMEPAGE", "customMessage": "Thanks!"},
            }
        },
        ("INVALID_INPUT", ["input", "flow", "afterCompletion", "customMessage"]),
        id="message-without-confirmation",
    ),
    pytest.param(
        lambda _: {
            "flow": {
                "type": "PAYMENT_METHOD_UPDATE",
                "afterCompletion": {"type": "HOSTED_CONFIRMATION", "customMessage": "x" * 501},
            }
        },
        ("INVALID_INPUT", ["input", "flow", "afterCompletion", "customMessage"]),
        id="long-confirmation-message",
    ),
    pytest.param(
        lambda _: {
            "flow": {
                "type": "PAYMENT_METHOD_UPDATE",
                "afterCompletion": {"type": "HOSTED_CONFIRMATION", "customMessage": "Thanks\nbye"},
            }
        },
        ("INVALID_INPUT", ["input", "flow", "afterCompletion", "customMessage"]),
        id="two-line-confirmation-message",
    ),
    pytest.param(
        lambda _: {"returnUrl": "javascript:alert(1)"},
        ("INVALID_INPUT", ["input", "returnUrl"]),
        id="return-url",
    ),
    pytest.param(
        lambda _: {"returnUrl": "http://["},
        ("INVALID_INPUT", ["input", "returnUrl"]),
        id="unbalanced-bracket",
    ),
    pytest.param(
        lambda _: {"returnUrl": "https://app.example.com/" + "x" * 2048},
        ("INVALID_INPUT", ["input", "returnUrl"]),
        id="long-return-url",
    ),
    pytest.param(lambda _: {"locale": "xx-nowhere"}, ("INVALID_INPUT", ["input", "locale"]), id="locale"),
    pytest.param(
        lambda _: {"configurationId": "bpc_doesnotexist"},
        ("NOT_FOUND", ["input", "configurationId"]),
        id="configuration",
    ),
    pytest.param(
        lambda _: {"customerId": "cus_doesnotexist"}, ("NOT_FOUND", ["input", "customerId"]), id="customer"
    ),
]


@pytest.mark.parametrize("kind", ["STRIPE", "HOSTED"])
@pytest.mark.parametrize(("request_of", "error"), BAD_REQUESTS)
async def test_bad_portal_requests_are_refused_before_stripe_is_called(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    kind: str,
    request_of: Any,
    error: tuple[str, list[str]],
) -> None:
    asked = {"customerId": customer_id(sandbox, MAYA), "kind": kind, **request_of(sandbox)}

    payload = await create_portal(api, await tokens.api_key(), **asked)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [error]
    assert payload["portalSession"] is None
    assert writes(sandbox) == {}


async def test_a_flow_whose_feature_is_off_is_refused(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    portal_configuration(sandbox)["features"]["payment_method_update"]["enabled"] = False

    payload = await create_portal(
        api,
        await tokens.api_key(),
        customerId=customer_id(sandbox, MAYA),
        kind="STRIPE",
        flow={"type": "PAYMENT_METHOD_UPDATE"},
    )

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("FEATURE_DISABLED", ["input", "flow", "type"])
    ]
    assert writes(sandbox) == {}


@pytest.mark.parametrize(
    ("mutation", "given"),
    [
        ("createPortalSession", {"kind": "HOSTED"}),
        ("createCustomerSession", {}),
    ],
)
async def test_customer_sessions_cannot_create_sessions(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, mutation: str, given: dict[str, Any]
) -> None:
    maya = customer_id(sandbox, MAYA)
    input_type = f"{mutation[0].upper()}{mutation[1:]}Input"

    body = await graphql(
        api,
        f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ code }} }} }}",
        {"input": {"customerId": maya, **given}},
        token=await tokens.customer_session(maya),
    )

    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_customer_session_for_an_spa_reads_only_its_scopes(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    maya = customer_id(sandbox, MAYA)

    payload = await mutate(
        api,
        "createCustomerSession",
        {"customerId": maya, "scopes": ["SUBSCRIPTIONS_READ", "INVOICES_READ"], "ttlSeconds": 600},
        await tokens.api_key(),
        SESSION,
    )
    session = payload["customerSession"]
    viewer = await graphql(api, VIEWER, token=session["token"])

    assert payload["userErrors"] == []
    assert session["token"].startswith("pqs_")
    assert session["scopes"] == ["SUBSCRIPTIONS_READ", "INVOICES_READ"]
    expires = datetime.fromisoformat(session["expiresAt"])
    assert timedelta(minutes=9) < expires - datetime.now(UTC) <= timedelta(minutes=10)
    assert viewer["data"]["viewer"] == {
        "kind": "CUSTOMER_SESSION",
        "scopes": ["SUBSCRIPTIONS_READ", "INVOICES_READ"],
        "customer": {"id": maya},
    }


@pytest.mark.parametrize(
    ("given", "error"),
    [
        pytest.param({"ttlSeconds": 30}, ("INVALID_INPUT", ["input", "ttlSeconds"]), id="too-short"),
        pytest.param({"ttlSeconds": 90_000}, ("INVALID_INPUT", ["input", "ttlSeconds"]), id="too-long"),
        pytest.param({"scopes": []}, ("INVALID_INPUT", ["input", "scopes"]), id="no-scopes"),
        pytest.param(
            {"customerId": "cus_doesnotexist"}, ("NOT_FOUND", ["input", "customerId"]), id="customer"
        ),
        pytest.param(
            {"configurationId": "bpc_doesnotexist"},
            ("NOT_FOUND", ["input", "configurationId"]),
            id="configuration",
        ),
    ],
)
async def test_bad_customer_session_requests_are_refused(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    given: dict[str, Any],
    error: tuple[str, list[str]],
) -> None:
    payload = await mutate(
        api,
        "createCustomerSession",
        {"customerId": customer_id(sandbox, MAYA), **given},
        await tokens.api_key(),
        SESSION,
    )

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [error]
    assert payload["customerSession"] is None


async def test_an_api_key_revokes_a_session_by_its_token(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    session_token = await tokens.customer_session(customer_id(sandbox, MAYA))
    api_key = await tokens.api_key()

    revoked = await mutate(
        api, "revokeCustomerSession", {"token": session_token}, api_key, "revokedSessionId"
    )
    again = await mutate(api, "revokeCustomerSession", {"token": session_token}, api_key, "revokedSessionId")
    after = await graphql(api, VIEWER, token=session_token)

    assert revoked["userErrors"] == again["userErrors"] == []
    assert revoked["revokedSessionId"] == again["revokedSessionId"]
    assert revoked["revokedSessionId"].startswith("pqcs_")
    assert error_codes(after) == ["UNAUTHENTICATED"]


async def test_a_customer_logs_itself_out_but_cannot_end_anothers_session(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    mine = await tokens.customer_session(customer_id(sandbox, MAYA))
    noahs = await tokens.customer_session(customer_id(sandbox, NOAH))

    others = await mutate(api, "revokeCustomerSession", {"token": noahs}, mine, "revokedSessionId")
    own = await mutate(api, "revokeCustomerSession", {"token": mine}, mine, "revokedSessionId")

    assert [(e["code"], e["field"]) for e in others["userErrors"]] == [("NOT_FOUND", ["input", "token"])]
    assert (await graphql(api, VIEWER, token=noahs))["data"]["viewer"]["kind"] == "CUSTOMER_SESSION"
    assert own["userErrors"] == []
    assert error_codes(await graphql(api, VIEWER, token=mine)) == ["UNAUTHENTICATED"]


async def test_a_revocation_names_exactly_one_session(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    payload = await mutate(api, "revokeCustomerSession", {}, await tokens.api_key(), "revokedSessionId")

    assert codes(payload) == ["INVALID_INPUT"]


COMPLETIONS = [
    pytest.param(
        {"type": "HOSTED_CONFIRMATION", "customMessage": "  Thanks for staying with Lumenpad!  "},
        {
            "type": "hosted_confirmation",
            "hosted_confirmation": {"custom_message": "Thanks for staying with Lumenpad!"},
        },
        ("HOSTED_CONFIRMATION", None, "Thanks for staying with Lumenpad!"),
        id="hosted-confirmation",
    ),
    pytest.param(
        {"type": "HOSTED_CONFIRMATION"},
        {"type": "hosted_confirmation", "hosted_confirmation": {"custom_message": None}},
        ("HOSTED_CONFIRMATION", None, None),
        id="hosted-confirmation-without-message",
    ),
    pytest.param(
        {"type": "REDIRECT", "redirectUrl": f"{RETURN_URL}?updated=1"},
        {"type": "redirect", "redirect": {"return_url": f"{RETURN_URL}?updated=1"}},
        ("REDIRECT", f"{RETURN_URL}?updated=1", None),
        id="redirect",
    ),
    pytest.param(
        None,
        {"type": "portal_homepage", "hosted_confirmation": None, "redirect": None},
        ("PORTAL_HOMEPAGE", None, None),
        id="portal-homepage",
    ),
]
COMPLETION = "flow { afterCompletion afterCompletionRedirectUrl confirmationMessage }"


@pytest.mark.parametrize(("given", "at_stripe", "shown"), COMPLETIONS)
async def test_after_completion_reaches_stripes_portal_as_stripe_documents_it(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    given: dict[str, Any] | None,
    at_stripe: dict[str, Any],
    shown: tuple[str, str | None, str | None],
) -> None:
    flow = {"type": "PAYMENT_METHOD_UPDATE", **({"afterCompletion": given} if given else {})}

    payload = await mutate(
        api,
        "createPortalSession",
        {"customerId": customer_id(sandbox, MAYA), "kind": "STRIPE", "flow": flow},
        await tokens.api_key(),
        f"portalSession {{ {COMPLETION} }}",
    )

    assert payload["userErrors"] == []
    completion = payload["portalSession"]["flow"]
    assert (
        completion["afterCompletion"],
        completion["afterCompletionRedirectUrl"],
        completion["confirmationMessage"],
    ) == shown
    [stored] = portal_sessions(sandbox)
    assert {k: v for k, v in stored["flow"]["after_completion"].items() if v is not None} == {
        k: v for k, v in at_stripe.items() if v is not None
    }


@pytest.mark.parametrize(("given", "at_stripe", "shown"), COMPLETIONS)
async def test_a_hosted_links_session_tells_the_page_what_follows_its_flow(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    given: dict[str, Any] | None,
    at_stripe: dict[str, Any],
    shown: tuple[str, str | None, str | None],
) -> None:
    subscription_id = subscription(sandbox, MAYA)["id"]
    flow = {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionId": subscription_id,
        **({"afterCompletion": given} if given else {}),
    }
    created = await create_portal(
        api, await tokens.api_key(), customerId=customer_id(sandbox, MAYA), kind="HOSTED", flow=flow
    )
    code = created["portalSession"]["url"].rsplit("/", 1)[1]
    exchanged = await api.post("/portal/sessions/exchange", json={"code": code})

    body = await graphql(
        api,
        "{ viewer { portalFlow { type subscriptionId afterCompletion afterCompletionRedirectUrl"
        " confirmationMessage } } }",
        token=exchanged.json()["token"],
    )

    assert body["data"]["viewer"]["portalFlow"] == {
        "type": "SUBSCRIPTION_CANCEL",
        "subscriptionId": subscription_id,
        "afterCompletion": shown[0],
        "afterCompletionRedirectUrl": shown[1],
        "confirmationMessage": shown[2],
    }
    assert writes(sandbox) == {}


async def test_a_session_not_opened_by_a_flow_link_has_no_flow(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))

    body = await graphql(api, "{ viewer { portalFlow { type } } }", token=token)

    assert body["data"]["viewer"]["portalFlow"] is None
