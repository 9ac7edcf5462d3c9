"""Who may read what, over HTTP: every query field against every kind of caller, as one table.

Each row is one operation; its expectations name, per caller, either OK (no errors at all) or the code of
the single error the operation must answer with. On every cell, not only where the table says NOT_FOUND,
the answer to a customer session must hold no id of another customer's objects (customer, subscriptions,
invoices, payment methods, charges, payment intents, refunds).

The tables cover the schema: a query field, or a field of `Customer` or `Viewer` that needs a scope, without
its row fails the coverage tests, by name; every other field of those two is read without any scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from portalql.persistence.repositories.audit import record_audit_event
from portalql.persistence.repositories.external_ids import link_external_id
from resolvers.ports import PrincipalType
from resolvers.principals import Scope
from tests.fixtures.app import ALL_SCOPES, error_codes, graphql
from tests.fixtures.schema_sdl import fields_of, scope_needed, selected_fields

if TYPE_CHECKING:
    import httpx

    from portalql.persistence.db import Database
    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

OK = "OK"
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"

REJECTED_CALLERS = ("no credentials", "bad token", "expired session", "revoked session", "revoked API key")
SESSIONS = {"customer A": "A", "customer B": "B"}
ANY = "*"

# Ids of objects that belong to a customer; price_, prod_ and si_ ids are not customer data.
CUSTOMER_DATA_ID = re.compile(r"\b(?:cus|sub|in|pm|ch|pi|re)_[A-Za-z0-9]+\b")
NODE_KINDS = ("customer", "subscription", "invoice", "payment_method", "charge", "payment_intent", "refund")
NESTED = {
    "subscriptions": "subscriptions { id status customer { id } items { price { id product { name } } } }",
    "invoices": "invoices(first: 3) { edges { cursor node { id total { formatted } } } }",
    "invoices.actions": "invoices(first: 3) { edges { node { id actions { pay { allowed refusal { code } } } "
    "} } }",
    "paymentMethods": "paymentMethods { id card { last4 } }",
    "defaultPaymentMethod": "defaultPaymentMethod { id }",
    "upcomingInvoice": "upcomingInvoice { isPreview subscription { id } total { amount } }",
    "upcomingInvoices": "upcomingInvoices { isPreview subscription { id } balanceApplied { amount } }",
    "subscriptions.seats": "subscriptions { id items { quantityRange { minimum maximum } removable } "
    "availableAddOns { price { id } quantityRange { maximum } } }",
    "capabilities": "capabilities { viewInvoices updateCustomerFields cancelSubscriptions changePlans"
    " addPaymentMethods payInvoices }",
    "paymentAttentionNeeded": "paymentAttentionNeeded",
    "subscriptions.openInvoice": "subscriptions { openInvoice { id } lastPaymentError { message } }",
    "subscriptions.actions": "subscriptions { id actions { changePlan { allowed refusal { code message } } "
    "cancel { allowed mode reasons } reactivate { allowed refusal { code } } "
    "payInvoice { allowed refusal { code } } } }",
    "subscriptions.items.usage": "subscriptions { items { meter { id } usage { quantity } } }",
    "credits": "credits { asOf balances { available { amount } } grants { id remaining { amount } } "
    "balanceTransactions(first: 3) { edges { node { id invoiceId } } } }",
}
# A timeline of the demo's meter: of the customer a session reads as its viewer (the meter as `$id`), and of
# a customer named by id (the meter as `$meter`).
TIMELINE = 'from: "2026-11-01T00:00:00Z", to: "2026-11-15T00:00:00Z", granularity: DAY'
USAGE = (
    f"query($id: ID!) {{ viewer {{ customer {{ usage(meterId: $id, {TIMELINE}) {{ meterId total }} }} }} }}"
)
CUSTOMER_USAGE = (
    "query($id: ID!, $meter: ID!) "
    f"{{ customer(id: $id) {{ id usage(meterId: $meter, {TIMELINE}) {{ total }} }} }}"
)
NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
VIEWER = "{{ viewer {{ customer {{ id {selection} }} }} }}"
CUSTOMER = "query($id: ID!) {{ customer(id: $id) {{ id {selection} }} }}"
CONTACT = "name email phone address { city } shipping { name address { city } } taxIds { id value }"
AUDIT_EVENTS = "{ auditEvents(first: 5) { edges { node { customerId objectId } } } }"
EXTERNAL = '{{ customer(externalId: "user-{who}") {{ id externalId name email }} }}'


def expect(a: str, b: str, api_key: str) -> dict[str, str]:
    return {
        **dict.fromkeys(REJECTED_CALLERS, UNAUTHENTICATED),
        "customer A": a,
        "customer B": b,
        "API key": api_key,
    }


def owned_by(owner: str) -> dict[str, str]:
    """Its owner's session and API keys may read it; the other customer's session gets NOT_FOUND."""
    return expect(OK, NOT_FOUND, OK) if owner == "A" else expect(NOT_FOUND, OK, OK)


@dataclass(frozen=True)
class Row:
    """One operation. `asks_for` names the object passed as `$id`. `shows` says whose customer data an OK
    answer holds: "A", "B", None for the session's own customer, "" for no customer data, ANY for any."""

    name: str
    query: str
    expected: dict[str, str]
    asks_for: str | None = None
    shows: str | None = ""


ROWS = [
    Row("viewer", "{ viewer { kind scopes customer { id email } } }", expect(OK, OK, OK), shows=None),
    Row("customer(A)", CUSTOMER.format(selection=CONTACT), owned_by("A"), "A.customer", "A"),
    Row("customer(B)", CUSTOMER.format(selection=CONTACT), owned_by("B"), "B.customer", "B"),
    Row(
        "customers",
        "{ customers(first: 5) { edges { node { id } } } }",
        expect(FORBIDDEN, FORBIDDEN, OK),
        shows=ANY,
    ),
    *(
        Row(f"node({owner}.{kind})", NODE, owned_by(owner), f"{owner}.{kind}", owner)
        for owner in ("A", "B")
        for kind in NODE_KINDS
    ),
    Row("node(price)", NODE, expect(OK, OK, OK), "price"),
    Row("node(product)", NODE, expect(OK, OK, OK), "product"),
    Row(
        "portalConfiguration",
        "{ portalConfiguration { id features { invoiceHistoryEnabled } } }",
        expect(OK, OK, OK),
    ),
    Row("products", "{ products { id name defaultPrice { id } } }", expect(OK, OK, OK)),
    Row(
        "eventEndpoints",
        "{ eventEndpoints { id url deliveries { status } } }",
        expect(FORBIDDEN, FORBIDDEN, OK),
    ),
    # Found by the product's own id (mapped in the scene): the same rules as by Stripe's.
    Row("customer(externalId: A)", EXTERNAL.format(who="A"), expect(OK, NOT_FOUND, OK), shows="A"),
    Row("customer(externalId: B)", EXTERNAL.format(who="B"), expect(NOT_FOUND, OK, OK), shows="B"),
    Row(
        "customers(externalId: A)",
        '{ customers(externalId: "user-A") { edges { node { id externalId } } } }',
        expect(FORBIDDEN, FORBIDDEN, OK),
        shows="A",
    ),
    Row(
        "portalAnalytics",
        '{ portalAnalytics(since: "2026-01-01T00:00:00Z", until: "2026-12-31T00:00:00Z")'
        " { portalLinksCreated planUpgrades } }",
        expect(FORBIDDEN, FORBIDDEN, OK),
    ),
    *(
        Row(f"customer({owner}).usage", CUSTOMER_USAGE, owned_by(owner), f"{owner}.customer", owner)
        for owner in ("A", "B")
    ),
    # A session reads its own customer's events (the invariant below checks it); an API key everyone's.
    Row("auditEvents", AUDIT_EVENTS, expect(OK, OK, OK), shows=ANY),
    # The merchant's retention offers and what cancellations said: API keys only.
    Row("retentionOffers", "{ retentionOffers { id name } }", expect(FORBIDDEN, FORBIDDEN, OK)),
    Row(
        "cancellationReport",
        '{ cancellationReport(since: "2026-01-01T00:00:00Z", until: "2026-12-31T00:00:00Z")'
        " { pauses cancellations { reason count } } }",
        expect(FORBIDDEN, FORBIDDEN, OK),
    ),
    Row(
        "auditEvents(customerId: B)",
        "query($id: ID!) { auditEvents(customerId: $id) { edges { node { customerId objectId } } } }",
        owned_by("B"),
        "B.customer",
        "B",
    ),
    *(
        Row(f"viewer.customer.{name}", VIEWER.format(selection=selection), expect(OK, OK, OK), shows=None)
        for name, selection in NESTED.items()
    ),
    *(
        Row(
            f"customer({owner}).{name}",
            CUSTOMER.format(selection=selection),
            owned_by(owner),
            f"{owner}.customer",
            owner,
        )
        for owner in ("A", "B")
        for name, selection in NESTED.items()
    ),
]


@dataclass(frozen=True)
class Scene:
    """The demo seed as the table sees it, and a token for every caller."""

    tokens: dict[str, str | None]
    ids: dict[str, str]  # "A.invoice", "B.charge", "price", ...
    owner_of: dict[str, str]  # a Stripe id -> "A", "B" or "other"

    def owners_in(self, body: dict[str, Any]) -> set[str]:
        """Whose customer data an answer holds."""
        return {
            self.owner_of.get(found, "unknown") for found in CUSTOMER_DATA_ID.findall(repr(body.get("data")))
        }


@pytest.fixture
async def scene(
    *,
    tokens: Tokens,
    sandbox: SandboxHandle,
    gateway: StripeGateway,
    database: Database,
    customer_a: str,
    customer_b: str,
) -> Scene:
    store = sandbox.state.store
    label = {customer_a: "A", customer_b: "B"}
    for customer_id in label:  # the seed has no refunds: one of each customer's first charge
        charge = next(o for o in store.iter_type("charge") if o["customer"] == customer_id)
        await gateway.create_refund(
            charge_id=charge["id"], amount=100, reason=None, idempotency_key=f"scene-{customer_id}"
        )
    async with database.session() as session:  # and an audit trail with an event of each customer
        for customer_id in label:
            await record_audit_event(
                session,
                principal_type=PrincipalType.API_KEY,
                principal_id="scene",
                action="customer.update",
                object_type="customer",
                object_id=customer_id,
                customer_id=customer_id,
            )
        for customer_id, who in label.items():  # and the product's own ids for both
            await link_external_id(session, f"user-{who}", customer_id)
    meter = next(iter(store.iter_type("billing.meter")))["id"]
    ids = {
        "price": next(iter(store.iter_type("price")))["id"],
        "product": next(iter(store.iter_type("product")))["id"],
        # The account's meter: every customer's usage of it is theirs to read.
        "meter": meter,
        "A.meter": meter,
        "B.meter": meter,
    }
    for customer_id, who in label.items():
        ids[f"{who}.customer"] = customer_id
        for kind in NODE_KINDS[1:]:
            ids[f"{who}.{kind}"] = next(
                o["id"] for o in store.iter_type(kind) if o["customer"] == customer_id
            )
    return Scene(
        tokens={
            "no credentials": None,
            "bad token": "pqs_" + "0" * 43,
            "expired session": await tokens.customer_session(customer_a, expired=True),
            "revoked session": await tokens.customer_session(customer_a, revoked=True),
            "revoked API key": await tokens.api_key(revoked=True),
            "customer A": await tokens.customer_session(customer_a),
            "customer B": await tokens.customer_session(customer_b),
            "API key": await tokens.api_key(),
        },
        ids=ids,
        owner_of={o["id"]: label.get(o.get("customer") or o["id"], "other") for o in store.objects.values()},
    )


def outcome(body: dict[str, Any]) -> str:
    return ",".join(error_codes(body)) or OK


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
async def test_authorization(row: Row, api: httpx.AsyncClient, scene: Scene) -> None:
    variables = {"id": scene.ids[row.asks_for]} if row.asks_for else {}
    if "$meter" in row.query:
        variables["meter"] = scene.ids["meter"]

    bodies = {
        caller: await graphql(api, row.query, variables, token) for caller, token in scene.tokens.items()
    }

    assert {caller: outcome(body) for caller, body in bodies.items()} == row.expected
    for caller, body in bodies.items():
        owners = scene.owners_in(body)
        if caller in SESSIONS:
            # The invariant of the whole API: a session's answers hold only its own customer's data.
            assert owners <= {SESSIONS[caller]}, (caller, body)
        if outcome(body) != OK:
            continue
        shows = SESSIONS.get(caller) if row.shows is None else row.shows
        if shows != ANY:
            assert owners == ({shows} if shows else set()), (caller, body)
        if row.asks_for:
            assert scene.ids[row.asks_for] in repr(body["data"]), (caller, body)


SCOPE_ROWS = {
    "subscriptions": (Scope.SUBSCRIPTIONS_READ, VIEWER.format(selection="subscriptions { id }"), None),
    "node(subscription)": (Scope.SUBSCRIPTIONS_READ, NODE, "subscription"),
    "subscriptions.actions": (
        Scope.SUBSCRIPTIONS_READ,
        VIEWER.format(selection="subscriptions { actions { cancel { allowed } } }"),
        None,
    ),
    "invoices": (Scope.INVOICES_READ, VIEWER.format(selection="invoices { edges { node { id } } }"), None),
    "upcomingInvoice": (Scope.INVOICES_READ, VIEWER.format(selection="upcomingInvoice { id }"), None),
    "upcomingInvoices": (Scope.INVOICES_READ, VIEWER.format(selection="upcomingInvoices { id }"), None),
    "subscriptions.seats": (
        Scope.SUBSCRIPTIONS_READ,
        VIEWER.format(selection="subscriptions { items { removable } availableAddOns { price { id } } }"),
        None,
    ),
    "node(invoice)": (Scope.INVOICES_READ, NODE, "invoice"),
    "node(charge)": (Scope.INVOICES_READ, NODE, "charge"),
    "node(payment_intent)": (Scope.INVOICES_READ, NODE, "payment_intent"),
    "node(refund)": (Scope.INVOICES_READ, NODE, "refund"),
    "paymentAttentionNeeded": (
        Scope.SUBSCRIPTIONS_READ,
        VIEWER.format(selection="paymentAttentionNeeded"),
        None,
    ),
    "paymentMethods": (Scope.PAYMENT_METHODS_READ, VIEWER.format(selection="paymentMethods { id }"), None),
    "defaultPaymentMethod": (
        Scope.PAYMENT_METHODS_READ,
        VIEWER.format(selection="defaultPaymentMethod { id }"),
        None,
    ),
    "node(payment_method)": (Scope.PAYMENT_METHODS_READ, NODE, "payment_method"),
    "email": (Scope.CUSTOMER_READ, VIEWER.format(selection="email"), None),
    "name": (Scope.CUSTOMER_READ, VIEWER.format(selection="name"), None),
    "phone": (Scope.CUSTOMER_READ, VIEWER.format(selection="phone"), None),
    "address": (Scope.CUSTOMER_READ, VIEWER.format(selection="address { city }"), None),
    "externalId": (Scope.CUSTOMER_READ, VIEWER.format(selection="externalId"), None),
    "shipping": (Scope.CUSTOMER_READ, VIEWER.format(selection="shipping { name }"), None),
    "taxIds": (Scope.CUSTOMER_READ, VIEWER.format(selection="taxIds { id }"), None),
    "auditEvents": (Scope.AUDIT_READ, "{ auditEvents { edges { node { id } } } }", None),
    "usage": (Scope.USAGE_READ, USAGE, "meter"),
    "credits": (
        Scope.CREDITS_READ,
        VIEWER.format(selection="credits { balances { available { amount } } grants { id } }"),
        None,
    ),
}
# The fields of `Customer` and `Viewer` that need no scope: any session reads them.
NEEDS_NO_SCOPE = {
    "Customer.id",
    "Customer.currency",
    "Customer.balance",
    "Customer.preferredLocales",
    "Customer.created",
    "Customer.capabilities",
    "Viewer.kind",
    "Viewer.scopes",
    "Viewer.sessionExpiresAt",
    "Viewer.returnUrl",
    "Viewer.locale",
    "Viewer.portalFlow",
    "Viewer.customer",
}
NO_SCOPE_QUERY = (
    "{ viewer { kind scopes sessionExpiresAt returnUrl locale portalFlow { type afterCompletion }"
    " customer { id currency balance { amount } preferredLocales created"
    " capabilities { viewInvoices cancelSubscriptions changePlans } } } }"
)


def _scoped(fields: set[str]) -> set[str]:
    return {field for field in fields if scope_needed(field)}


def test_every_query_field_and_every_scoped_customer_field_has_a_row() -> None:
    selected = set().union(*(selected_fields(row.query) for row in ROWS))
    wanted = fields_of("Query") | _scoped(fields_of("Customer") | fields_of("Viewer"))

    missing = sorted(wanted - selected)
    assert not missing, f"no row in ROWS selects {', '.join(missing)}"


def test_every_field_that_needs_a_scope_has_a_scope_row_with_that_scope() -> None:
    covered = {
        field: str(scope) for scope, query, _ in SCOPE_ROWS.values() for field in selected_fields(query)
    }
    scoped = _scoped(fields_of("Query") | fields_of("Customer") | fields_of("Viewer"))

    missing = sorted(field for field in scoped if covered.get(field) != scope_needed(field))
    assert not missing, f"no row in SCOPE_ROWS tests the scope of {', '.join(missing)}"


def test_every_customer_and_viewer_field_either_needs_a_scope_or_is_listed_as_needing_none() -> None:
    unclassified = (fields_of("Customer") | fields_of("Viewer")) - NEEDS_NO_SCOPE

    missing = sorted(field for field in unclassified if not scope_needed(field))
    assert not missing, f"neither a scope in the description nor in NEEDS_NO_SCOPE: {', '.join(missing)}"
    assert not _scoped(NEEDS_NO_SCOPE)


async def test_a_session_without_any_scope_reads_every_field_that_needs_none(
    api: httpx.AsyncClient, tokens: Tokens, customer_a: str
) -> None:
    unscoped = await tokens.customer_session(customer_a, scopes=frozenset())

    body = await graphql(api, NO_SCOPE_QUERY, token=unscoped)

    assert "errors" not in body, body["errors"]
    assert body["data"]["viewer"]["customer"]["id"] == customer_a
    assert selected_fields(NO_SCOPE_QUERY) >= NEEDS_NO_SCOPE


@pytest.mark.parametrize("case", SCOPE_ROWS)
async def test_a_missing_scope_is_forbidden_for_own_and_foreign_ids_alike(
    case: str, api: httpx.AsyncClient, tokens: Tokens, scene: Scene, customer_a: str
) -> None:
    scope, query, kind = SCOPE_ROWS[case]
    without_scope = await tokens.customer_session(customer_a, scopes=ALL_SCOPES - {scope})
    only_that_scope = await tokens.customer_session(customer_a, scopes={scope})

    for asked in [{"id": scene.ids[f"A.{kind}"]}, {"id": scene.ids[f"B.{kind}"]}] if kind else [{}]:
        refused = await graphql(api, query, asked, without_scope)

        assert error_codes(refused) == [FORBIDDEN]
        # Refused before anything is fetched: the answer cannot tell whether another customer's id exists.
        assert refused["errors"][0]["message"] == f"This customer session lacks the '{scope}' scope."
    granted = await graphql(api, query, {"id": scene.ids[f"A.{kind}"]} if kind else {}, only_that_scope)
    assert "errors" not in granted, granted


async def test_another_customers_object_is_reported_exactly_like_a_missing_one(
    api: httpx.AsyncClient, scene: Scene
) -> None:
    for kind in NODE_KINDS:
        foreign_id = scene.ids[f"B.{kind}"]
        missing_id = foreign_id[: foreign_id.index("_") + 1] + "DoesNotExist0000000000"

        foreign = await graphql(api, NODE, {"id": foreign_id}, scene.tokens["customer A"])
        missing = await graphql(api, NODE, {"id": missing_id}, scene.tokens["customer A"])

        assert error_codes(foreign) == error_codes(missing) == [NOT_FOUND]
        anonymised = foreign["errors"][0]["message"].replace(foreign_id, "<id>")
        assert anonymised == missing["errors"][0]["message"].replace(missing_id, "<id>")


async def test_capabilities_need_no_scope_beyond_seeing_the_customer(
    api: httpx.AsyncClient, tokens: Tokens, scene: Scene, customer_a: str
) -> None:
    # Like the portal configuration they come from: a page needs them to know what to offer at all.
    no_scope = await tokens.customer_session(customer_a, scopes=set())
    query = VIEWER.format(selection="capabilities { viewInvoices cancelSubscriptions changePlans }")

    body = await graphql(api, query, None, no_scope)

    assert "errors" not in body, body
    assert body["data"]["viewer"]["customer"]["capabilities"] == {
        "viewInvoices": True,
        "cancelSubscriptions": True,
        "changePlans": True,
    }
    foreign = await graphql(
        api,
        CUSTOMER.format(selection="capabilities { viewInvoices }"),
        {"id": scene.ids["B.customer"]},
        no_scope,
    )
    assert error_codes(foreign) == [NOT_FOUND]
