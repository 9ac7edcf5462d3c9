"""`previewPause`, `pauseSubscription` and `resumeSubscription` over HTTP against the sandbox, with the
sandbox's clock renewing and resuming a paused subscription."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from resolvers.mutations.pausing import later
from stripe_gateway.records import Interval
from tests.api.mutation_support import (
    AMARA,
    LIAM,
    MAYA,
    codes,
    customer_id,
    mutate,
    portal_configuration,
    subscription,
    writes,
)
from tests.fixtures.app import graphql

if TYPE_CHECKING:
    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

RESULT = "subscription { id status pause { since resumesAt renewalCharge { amount currency } } }"
BRIEF = "subscription { id status pause { since resumesAt } }"
INDEFINITE: dict[str, Any] = {"type": "indefinite", "interval_options": []}


def _offer(sandbox: SandboxHandle, duration: dict[str, Any], *, enabled: bool = True) -> None:
    feature = portal_configuration(sandbox)["features"]["subscription_pause"]
    feature.update(enabled=enabled, duration=duration)


def _epoch(iso: str) -> int:
    from datetime import datetime  # noqa: PLC0415 - only these tests parse the API's instants

    return int(datetime.fromisoformat(iso).timestamp())


@pytest.mark.parametrize(
    ("duration", "interval", "count"),
    [
        pytest.param({"interval": "MONTH", "intervalCount": 3}, Interval.MONTH, 3, id="months"),
        pytest.param({"interval": "WEEK", "intervalCount": 2}, Interval.WEEK, 2, id="weeks"),
        pytest.param({"interval": "DAY", "intervalCount": 10}, Interval.DAY, 10, id="days"),
        pytest.param({"interval": "YEAR", "intervalCount": 1}, Interval.YEAR, 1, id="a-year"),
    ],
)
async def test_a_customer_pauses_for_each_kind_of_length_the_portal_offers(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    duration: dict[str, Any],
    interval: Interval,
    count: int,
) -> None:
    option = {"interval": interval.value, "interval_count": count}
    _offer(sandbox, {"type": "interval_options", "interval_options": [option]})
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]
    before = int(time.time())

    payload = await mutate(
        api, "pauseSubscription", {"subscriptionId": subscription_id, "duration": duration}, token, RESULT
    )

    assert payload["userErrors"] == []
    pause = payload["subscription"]["pause"]
    since = _epoch(pause["since"])
    assert before <= since <= int(time.time())
    assert _epoch(pause["resumesAt"]) == later(since, interval, count)
    assert pause["renewalCharge"] == {"amount": 3000, "currency": "usd"}
    stored = subscription(sandbox, MAYA)
    assert stored["status"] == "active"
    assert stored["pause_collection"] == {"behavior": "void", "resumes_at": _epoch(pause["resumesAt"])}
    # One write; the renewal charge is the preview of the next invoice (a read, though a POST).
    assert writes(sandbox) == {"POST /v1/subscriptions/{id}": 1, "POST /v1/invoices/create_preview": 1}


async def test_an_indefinite_pause_lasts_until_resumed_now(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    _offer(sandbox, INDEFINITE)
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]

    paused = await mutate(api, "pauseSubscription", {"subscriptionId": subscription_id}, token, BRIEF)
    assert paused["userErrors"] == []
    assert paused["subscription"]["pause"]["resumesAt"] is None
    sandbox.advance(40 * 86_400)  # a renewal falls in the pause: voided, not charged
    renewal = sandbox.state.store.get(subscription(sandbox, MAYA)["latest_invoice"], "invoice")
    assert (renewal["billing_reason"], renewal["status"]) == ("subscription_cycle", "void")

    resumed = await mutate(api, "resumeSubscription", {"subscriptionId": subscription_id}, token, BRIEF)
    again = await mutate(api, "resumeSubscription", {"subscriptionId": subscription_id}, token, BRIEF)

    assert resumed["userErrors"] == again["userErrors"] == []
    assert resumed["subscription"]["pause"] is None
    assert subscription(sandbox, MAYA)["pause_collection"] is None
    assert writes(sandbox) == {"POST /v1/subscriptions/{id}": 2}  # the pause and one resumption


async def test_payments_resume_by_themselves_on_the_sandbox_clock(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    _offer(
        sandbox, {"type": "interval_options", "interval_options": [{"interval": "week", "interval_count": 2}]}
    )
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    subscription_id = subscription(sandbox, MAYA)["id"]
    paused = await mutate(
        api,
        "pauseSubscription",
        {"subscriptionId": subscription_id, "duration": {"interval": "WEEK", "intervalCount": 2}},
        token,
        BRIEF,
    )
    resumes_at = _epoch(paused["subscription"]["pause"]["resumesAt"])

    sandbox.advance(resumes_at - sandbox.now() + 60)

    body = await graphql(
        api,
        "query($id: ID!) { node(id: $id) { ... on Subscription { status pause { resumesAt } } } }",
        {"id": subscription_id},
        token=token,
    )
    assert body["data"]["node"] == {"status": "ACTIVE", "pause": None}
    invoices = [i for i in sandbox.state.store.all("invoice") if i["customer"] == customer_id(sandbox, MAYA)]
    during = [
        i for i in invoices if i["billing_reason"] == "subscription_cycle" and i["created"] < resumes_at
    ]
    assert {
        i["status"] for i in during if i["created"] > _epoch(paused["subscription"]["pause"]["since"])
    } <= {"void"}


async def test_a_pause_is_previewed_with_the_charge_on_resuming(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))  # the demo offers 1 and 3 months
    subscription_id = subscription(sandbox, MAYA)["id"]

    payload = await mutate(
        api,
        "previewPause",
        {"subscriptionId": subscription_id, "duration": {"interval": "MONTH", "intervalCount": 3}},
        token,
        "preview { resumesAt nextChargeAt renewalCharge { amount formatted } }",
    )

    preview = payload["preview"]
    assert payload["userErrors"] == []
    assert _epoch(preview["nextChargeAt"]) >= _epoch(preview["resumesAt"])
    assert preview["renewalCharge"] == {"amount": 3000, "formatted": "$30.00"}
    assert writes(sandbox) == {"POST /v1/invoices/create_preview": 1}  # a preview: nothing changed


@pytest.mark.parametrize(
    ("customer", "setup", "duration", "code"),
    [
        pytest.param(MAYA, {"enabled": False}, {"interval": "MONTH"}, "FEATURE_DISABLED", id="pausing-off"),
        pytest.param(MAYA, {}, {"interval": "WEEK"}, "PAUSE_DURATION_NOT_ALLOWED", id="length-not-offered"),
        pytest.param(MAYA, {}, None, "PAUSE_DURATION_NOT_ALLOWED", id="indefinite-not-offered"),
        pytest.param(LIAM, {}, {"interval": "MONTH"}, "SUBSCRIPTION_ENDED", id="canceled"),
        pytest.param(AMARA, {}, {"interval": "MONTH"}, "SUBSCRIPTION_NOT_ACTIVE", id="ending"),
    ],
)
async def test_pauses_the_portal_does_not_allow_are_refused(
    api: httpx.AsyncClient,
    tokens: Tokens,
    sandbox: SandboxHandle,
    *,
    customer: str,
    setup: dict[str, Any],
    duration: dict[str, Any] | None,
    code: str,
) -> None:
    portal_configuration(sandbox)["features"]["subscription_pause"].update(setup)
    token = await tokens.customer_session(customer_id(sandbox, customer))

    payload = await mutate(
        api,
        "pauseSubscription",
        {"subscriptionId": subscription(sandbox, customer)["id"], "duration": duration},
        token,
        BRIEF,
    )

    assert codes(payload) == [code]
    assert payload["subscription"] is None
    assert writes(sandbox) == {}


async def test_pausing_twice_is_refused_as_already_paused_and_changes_stripe_once(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    given = {"subscriptionId": subscription(sandbox, MAYA)["id"], "duration": {"interval": "MONTH"}}

    first = await mutate(api, "pauseSubscription", {**given, "idempotencyKey": "pause-1"}, token, BRIEF)
    second = await mutate(api, "pauseSubscription", {**given, "idempotencyKey": "pause-1"}, token, BRIEF)

    assert first["userErrors"] == []
    assert codes(second) == ["ALREADY_PAUSED"]
    assert writes(sandbox) == {"POST /v1/subscriptions/{id}": 1}


async def test_an_api_key_pauses_for_any_length_up_to_three_years(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    key = await tokens.api_key()
    subscription_id = subscription(sandbox, MAYA)["id"]

    too_long = await mutate(
        api,
        "pauseSubscription",
        {"subscriptionId": subscription_id, "duration": {"interval": "YEAR", "intervalCount": 4}},
        key,
        BRIEF,
    )
    paused = await mutate(
        api,
        "pauseSubscription",
        {"subscriptionId": subscription_id, "duration": {"interval": "DAY", "intervalCount": 45}},
        key,
        BRIEF,
    )

    assert codes(too_long) == ["PAUSE_DURATION_NOT_ALLOWED"]
    assert paused["userErrors"] == []
    assert paused["subscription"]["pause"]["resumesAt"] is not None


async def test_the_actions_say_whether_and_how_long_a_subscription_may_pause(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle
) -> None:
    token = await tokens.customer_session(customer_id(sandbox, MAYA))
    query = (
        "{ viewer { customer { subscriptions { actions { pause { allowed durations { interval intervalCount }"
        " indefinite } resume { allowed refusal { code } } } } } } }"
    )

    body = await graphql(api, query, token=token)

    actions = body["data"]["viewer"]["customer"]["subscriptions"][0]["actions"]
    assert actions["pause"] == {
        "allowed": True,
        "durations": [{"interval": "MONTH", "intervalCount": 1}, {"interval": "MONTH", "intervalCount": 3}],
        "indefinite": False,
    }
    assert actions["resume"] == {"allowed": False, "refusal": {"code": "NOT_PAUSED"}}
