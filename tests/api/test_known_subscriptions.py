"""A returning customer's dashboard in one round trip: the previews of the subscriptions it was last seen with
start beside the read that lists them, and a stale hint costs a call, never a wrong answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portalql.persistence.known_subscriptions import DatabaseKnownSubscriptions
from portalql.persistence.repositories.known_subscriptions import known_subscription_ids
from resolvers.context import RequestContext
from schema import build_schema
from schema.context import Context
from stripe_sandbox.seed import demo_customer
from tests.api.test_queries_dashboard import DASHBOARD, session_for

if TYPE_CHECKING:
    from portalql.persistence.db import Database

PREVIEW = "POST /v1/invoices/create_preview"
FIRST_ROUND = [
    "GET /v1/customers/{id}",
    "GET /v1/invoices",
    "GET /v1/payment_methods",
    "GET /v1/prices",
    PREVIEW,
]


async def dashboard(gateway: Any, known: DatabaseKnownSubscriptions, customer_id: str) -> dict[str, Any]:
    context = RequestContext(gateway=gateway, principal=session_for(customer_id), known_subscriptions=known)
    result = await build_schema().execute(DASHBOARD, context_value=Context(context))
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def stored(database: Database, customer_id: str) -> frozenset[str]:
    async with database.session() as db:
        return await known_subscription_ids(db, customer_id)


def assert_the_preview_waited_for_the_list(sandbox) -> None:
    """The four reads were in flight at once, and the preview came after them: a second round trip."""
    held = sandbox.held()
    assert held is not None
    assert held["outcome"] == "together"
    assert PREVIEW not in held["arrived"]


async def test_a_returning_customer_s_dashboard_is_one_round_trip(sandbox, gateway, database) -> None:
    maya = demo_customer(sandbox.state.store)
    first_visit = DatabaseKnownSubscriptions(database)
    sandbox.hold_calls(4)

    first = await dashboard(gateway, first_visit, maya["id"])
    await first_visit.aclose()

    assert_the_preview_waited_for_the_list(sandbox)  # nothing known yet: it needed the subscription's id
    [subscription] = first["viewer"]["customer"]["subscriptions"]
    assert await stored(database, maya["id"]) == {subscription["id"]}

    # Another process (nothing in memory) on the same database.
    sandbox.reset_calls()
    sandbox.hold_calls(5)
    again = await dashboard(gateway, DatabaseKnownSubscriptions(database), maya["id"])

    held = sandbox.held()
    assert held is not None
    assert (held["outcome"], sorted(held["arrived"])) == ("together", FIRST_ROUND)
    assert sum(sandbox.calls().values()) == 5
    assert again == first


async def test_a_subscription_gone_since_costs_a_preview_and_is_forgotten(sandbox, gateway, database) -> None:
    maya = demo_customer(sandbox.state.store)
    known = DatabaseKnownSubscriptions(database)
    subscriptions = sandbox.state.store.iter_type("subscription")
    [current] = [s["id"] for s in subscriptions if s["customer"] == maya["id"]]
    known.saw(maya["id"], frozenset({current, "sub_gone"}))
    await known.aclose()
    sandbox.reset_calls()

    data = await dashboard(gateway, known, maya["id"])
    await known.aclose()

    [subscription] = data["viewer"]["customer"]["subscriptions"]
    assert subscription["id"] == current
    assert subscription["upcomingInvoice"]["total"]["formatted"] == "$30.00"
    assert sandbox.calls()[PREVIEW] == 2  # the one shown, and the one of the subscription that is gone
    assert await known.of(maya["id"]) == await stored(database, maya["id"]) == {current}


async def test_a_subscription_new_since_is_previewed_after_the_list(sandbox, gateway, database) -> None:
    maya = demo_customer(sandbox.state.store)
    known = DatabaseKnownSubscriptions(database)
    known.saw(maya["id"], frozenset())
    sandbox.reset_calls()
    sandbox.hold_calls(4)

    data = await dashboard(gateway, known, maya["id"])
    await known.aclose()

    assert_the_preview_waited_for_the_list(sandbox)
    assert sandbox.calls()[PREVIEW] == 1
    [subscription] = data["viewer"]["customer"]["subscriptions"]
    assert await stored(database, maya["id"]) == {subscription["id"]}


async def test_a_database_that_fails_costs_the_hint_not_the_dashboard(
    sandbox, gateway, empty_database, caplog
) -> None:
    maya = demo_customer(sandbox.state.store)
    known = DatabaseKnownSubscriptions(empty_database)  # no tables: every read and write fails
    sandbox.reset_calls()

    data = await dashboard(gateway, known, maya["id"])
    await known.aclose()

    [subscription] = data["viewer"]["customer"]["subscriptions"]
    assert subscription["upcomingInvoice"]["total"]["formatted"] == "$30.00"
    assert sum(sandbox.calls().values()) == 5
    assert "could not read the known subscriptions" in caplog.text
    assert "could not record the known subscriptions" in caplog.text
