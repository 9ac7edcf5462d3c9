"""The canonical operations: what is sent, and the fewest Stripe calls each one can be answered with.

The documents live here rather than being imported from the product so that figures stay comparable across
commits: a change to the product's demo query must not silently change what the benchmark measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from schema.trusted import document_id_of

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import httpx

INVOICE_PAGE_SIZE = 10
INVOICE_PAGES = 3


class OperationFailedError(RuntimeError):
    """A response that is not a success: its timing would mean nothing, so the case is reported as failed."""


class Credential(StrEnum):
    CUSTOMER_SESSION = "customer session"
    # The session of the demo's usage-billed customer.
    USAGE_CUSTOMER_SESSION = "usage customer session"
    API_KEY = "API key"
    NONE = "none"


@dataclass(frozen=True)
class Fixtures:
    """Stripe ids an operation works on, found before measuring so discovery is not timed."""

    customer_id: str
    subscription_id: str | None = None
    plan_change_price_id: str | None = None
    # The subscription's plan item, and an add-on it may add: a change of several items at once.
    plan_item_id: str | None = None
    add_on_price_id: str | None = None
    # An invoice of another customer waiting to be paid (paid by the first run, replayed after), and a
    # card of theirs that goes through (their default is the one declined).
    open_invoice_id: str | None = None
    working_card_id: str | None = None
    # The usage-billed customer's meter and the UTC days of its current period so far, for its chart.
    meter_id: str | None = None
    usage_from: str | None = None
    usage_to: str | None = None


@dataclass(frozen=True)
class Caller:
    """One operation's view of a server: its HTTP client, its bearer token and the ids it needs."""

    http: httpx.AsyncClient
    token: str | None
    fixtures: Fixtures

    async def graphql(
        self, document: str, variables: dict[str, Any] | None = None, *, by_id: bool = False
    ) -> dict[str, Any]:
        """POST `document`, or with `by_id` only its trusted id (the benchmark loads it as trusted)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        sent = {"documentId": f"sha256:{document_id_of(document)}"} if by_id else {"query": document}
        payload = {**sent, "variables": variables or {}}
        response = await self.http.post("/graphql", json=payload, headers=headers)
        is_json = response.headers.get("content-type", "").startswith("application/json")
        body = response.json() if is_json else {}
        data = body.get("data")
        if response.status_code != 200 or body.get("errors") or not isinstance(data, dict):
            problem = body.get("errors") or response.text[:300]
            raise OperationFailedError(f"HTTP {response.status_code}: {problem}")
        return data

    async def get_json(self, path: str) -> Any:
        response = await self.http.get(path)
        if response.status_code != 200:
            raise OperationFailedError(f"HTTP {response.status_code}: {response.text[:300]}")
        return response.json()


@dataclass(frozen=True)
class Minimum:
    """The fewest Stripe calls that can answer an operation, and why no fewer."""

    calls: int
    reason: str


# Everything a read shows can come from the read cache until a webhook or a write invalidates it.
FROM_CACHE = Minimum(0, "every object it shows can be served from the read cache")
# No webhook names a cached page of customers when a customer joins, so the page itself is always read.
CUSTOMERS_PAGE = Minimum(
    1, "the customers list itself (no webhook would refresh a cached page); the catalog cached"
)


@dataclass(frozen=True)
class Operation:
    name: str
    title: str
    credential: Credential
    cold: Minimum
    run: Callable[[Caller], Awaitable[None]]
    warm: Minimum = FROM_CACHE
    # Measured too when set: cold, for a customer the API has never seen, where that costs more.
    first_visit: Minimum | None = None
    requires_mutation: str | None = None
    # Measured warm again while an attacker sends `FAN_OUT` at `ATTACK_PER_SECOND`, when set.
    under_attack: bool = False
    # Measured warm again with its documents sent as trusted documents' ids, when set.
    by_id: Callable[[Caller], Awaitable[None]] | None = None
    # Measured warm again on a process without the response cache (each request executed), when set.
    executed: bool = False
    # The documents `by_id` sends, loaded as trusted before the API starts.
    trusted_documents: tuple[str, ...] = ()


# An unauthenticated document of 21 fragments, each spreading the next twice: 2^20 paths if walked naively.
# The API refuses it; the figure is what refusing it costs everyone else.
FAN_OUT = (
    "".join(f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }} " for n in range(20))
    + "fragment F20 on Query { __typename } { ...F0 }"
)
ATTACK_PER_SECOND = 10


# A Stripe-free query: the first request of a process pays for imports and first-time code paths, not Stripe.
WARM_UP = "query Warmup { __typename }"

MUTATIONS = 'query Mutations { __type(name: "Mutation") { fields { name } } }'

CUSTOMER_IDS = "query CustomerIds { customers(first: 2) { edges { node { id } } } }"

DISCOVER = """\
query Discover {
  viewer {
    customer {
      id
      subscriptions { id status items { id } allowedPlanChanges { id } availableAddOns { price { id } } }
    }
  }
}
"""

DASHBOARD = """\
query Dashboard {
  viewer {
    customer {
      id
      name
      email
      defaultPaymentMethod { id card { brand last4 expMonth expYear } }
      subscriptions {
        id
        status
        currentPeriodEnd
        cancelAtPeriodEnd
        items { id quantity price { id unitAmount { formatted } recurring { interval } product { id name } } }
        upcomingInvoice { amountDue { formatted } }
      }
      invoices(first: 10) {
        edges { node { id number status created total { formatted } hostedInvoiceUrl } }
        pageInfo { hasNextPage endCursor }
      }
      paymentMethods { id card { brand last4 } }
    }
  }
}
"""

# What the page shows a usage-billed customer, and a product's SPA that knows its meter asks for in the same
# request: usage so far against the tiers, the projected charge, the daily timeline, and the credit left.
USAGE_DASHBOARD = """\
query UsageDashboard($meter: ID!, $from: DateTime!, $to: DateTime!) {
  viewer {
    customer {
      id
      name
      subscriptions {
        id
        status
        items {
          id
          price { id product { name } tiersMode tiers { upTo unitAmount { formatted } } }
          meter { id displayName }
          usage { quantity charge { formatted } periodEnd asOf }
        }
        upcomingInvoice { amountDue { formatted } }
      }
      usage(meterId: $meter, from: $from, to: $to, granularity: DAY) { total asOf points { start value } }
      credits {
        asOf
        balances { available { formatted } pending { formatted } }
        grants { id name remaining { formatted } expiresAt }
      }
      invoices(first: 10) { edges { node { id number status total { formatted } } } }
      paymentMethods { id card { brand last4 } }
    }
  }
}
"""

USAGE_DISCOVER = """\
query UsageDiscover { viewer { customer { subscriptions { items { meter { id } usage { periodStart } } } } } }
"""

PLAN_CHANGE_PREVIEW = """\
mutation PreviewPlanChange($input: PreviewPlanChangeInput!) {
  previewPlanChange(input: $input) {
    preview {
      prorationDate
      amountDueNow { formatted }
      prorationLines { description amount { formatted } }
      nextInvoice { total { formatted } periodEnd }
    }
    userErrors { code message field }
  }
}
"""

CUSTOMERS = """\
query AdminCustomers($first: Int!) {
  customers(first: $first) {
    edges { node { id email name subscriptions { id status items { price { id product { id name } } } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

INVOICE_HISTORY = """\
query InvoiceHistory($first: Int!, $after: String) {
  viewer {
    customer {
      invoices(first: $first, after: $after) {
        edges { cursor node { id number status created total { formatted } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""


OPEN_INVOICES = """\
query OpenInvoices {
  customers(first: 50) {
    edges { node { subscriptions { openInvoice { id } } paymentMethods { id card { last4 } } } }
  }
}
"""

PAY_INVOICE = """\
mutation PayInvoice($input: PayInvoiceInput!) {
  payInvoice(input: $input) {
    outcome
    invoice { id status amountPaid { formatted } }
    userErrors { code message field }
  }
}
"""

CREATE_SETUP_INTENT = """\
mutation CreateSetupIntent($input: CreateSetupIntentInput!) {
  createSetupIntent(input: $input) {
    setupIntent { id clientSecret status }
    publishableKey
    userErrors { code message field }
  }
}
"""
START_CANCELLATION = """\
mutation StartCancellation($input: StartCancellationInput!) {
  startCancellation(input: $input) {
    offer { id name kind }
    userErrors { code message field }
  }
}
"""

CANCEL_SUBSCRIPTION = """\
mutation CancelSubscription($input: CancelSubscriptionInput!) {
  cancelSubscription(input: $input) {
    subscription { id cancelAtPeriodEnd }
    userErrors { code message field }
  }
}
"""
# Stripe's test card that goes through.
WORKING_LAST4 = "4242"
# Every run pays with one key: the first pays, the rest are answered with Stripe's replay of that payment.
PAY_INVOICE_KEY = "bench-pay-invoice"


async def _dashboard(caller: Caller) -> None:
    await caller.graphql(DASHBOARD)


async def _usage_dashboard(caller: Caller) -> None:
    fixtures = caller.fixtures
    variables = {"meter": fixtures.meter_id, "from": fixtures.usage_from, "to": fixtures.usage_to}
    await caller.graphql(USAGE_DASHBOARD, variables)


async def _dashboard_by_id(caller: Caller) -> None:
    await caller.graphql(DASHBOARD, by_id=True)


async def _plan_change_preview(caller: Caller) -> None:
    fixtures = caller.fixtures
    change = {"subscriptionId": fixtures.subscription_id, "priceId": fixtures.plan_change_price_id}
    variables = {"input": change}
    payload = (await caller.graphql(PLAN_CHANGE_PREVIEW, variables))["previewPlanChange"]
    if payload["userErrors"]:
        raise OperationFailedError(f"userErrors: {payload['userErrors']}")


async def _multi_item_preview(caller: Caller) -> None:
    fixtures = caller.fixtures
    items = [
        {"itemId": fixtures.plan_item_id, "priceId": fixtures.plan_change_price_id},
        {"priceId": fixtures.add_on_price_id, "quantity": 3},
    ]
    variables = {"input": {"subscriptionId": fixtures.subscription_id, "items": items}}
    payload = (await caller.graphql(PLAN_CHANGE_PREVIEW, variables))["previewPlanChange"]
    if payload["userErrors"]:
        raise OperationFailedError(f"userErrors: {payload['userErrors']}")


def _customers(first: int) -> Callable[[Caller], Awaitable[None]]:
    async def run(caller: Caller) -> None:
        await caller.graphql(CUSTOMERS, {"first": first})

    return run


async def _invoice_history(caller: Caller) -> None:
    after = None
    for _ in range(INVOICE_PAGES):
        data = await caller.graphql(INVOICE_HISTORY, {"first": INVOICE_PAGE_SIZE, "after": after})
        after = data["viewer"]["customer"]["invoices"]["pageInfo"]["endCursor"]


async def _pay_invoice(caller: Caller) -> None:
    fixtures = caller.fixtures
    payment = {
        "invoiceId": fixtures.open_invoice_id,
        "paymentMethodId": fixtures.working_card_id,
        "idempotencyKey": PAY_INVOICE_KEY,
    }
    variables = {"input": payment}
    payload = (await caller.graphql(PAY_INVOICE, variables))["payInvoice"]
    if payload["userErrors"] or payload["outcome"] != "PAID":
        raise OperationFailedError(f"not paid: {payload}")


async def _create_setup_intent(caller: Caller) -> None:
    payload = (await caller.graphql(CREATE_SETUP_INTENT, {"input": {"setAsDefault": True}}))[
        "createSetupIntent"
    ]
    if payload["userErrors"]:
        raise OperationFailedError(f"userErrors: {payload['userErrors']}")


def _cancellation(caller: Caller) -> dict[str, Any]:
    return {"input": {"subscriptionId": caller.fixtures.subscription_id, "reason": "TOO_EXPENSIVE"}}


async def _start_cancellation(caller: Caller) -> None:
    payload = (await caller.graphql(START_CANCELLATION, _cancellation(caller)))["startCancellation"]
    if payload["userErrors"]:
        raise OperationFailedError(f"userErrors: {payload['userErrors']}")


async def _cancel_subscription(caller: Caller) -> None:
    payload = (await caller.graphql(CANCEL_SUBSCRIPTION, _cancellation(caller)))["cancelSubscription"]
    if payload["userErrors"]:
        raise OperationFailedError(f"userErrors: {payload['userErrors']}")


async def _alternative_dashboard(caller: Caller) -> None:
    await caller.get_json(f"/customers/{caller.fixtures.customer_id}/dashboard")


PORTALQL_OPERATIONS = (
    Operation(
        name="dashboard",
        title="portal dashboard",
        credential=Credential.CUSTOMER_SESSION,
        cold=Minimum(
            5,
            "customer (subscriptions and default card expanded), invoices, payment methods, the catalog (the "
            "items' products) and the upcoming invoice of the subscription seen last time: 1 round trip",
        ),
        first_visit=Minimum(
            5,
            "the same calls, but Stripe previews an upcoming invoice only for a subscription id, which the "
            "customer's answer brings: 2 round trips",
        ),
        run=_dashboard,
        under_attack=True,
        by_id=_dashboard_by_id,
        trusted_documents=(DASHBOARD,),
        executed=True,
    ),
    Operation(
        name="usage_dashboard",
        title="usage-billed dashboard",
        credential=Credential.USAGE_CUSTOMER_SESSION,
        cold=Minimum(
            10,
            "the dashboard's five, plus the meters, the meter's daily summaries and the credit balance, "
            "grants and their ledger, all beside the customer's read (the usage so far is the upcoming "
            "invoice's line): 1 round trip",
        ),
        run=_usage_dashboard,
    ),
    Operation(
        name="plan_change_preview",
        title="plan-change preview",
        credential=Credential.CUSTOMER_SESSION,
        cold=Minimum(
            4,
            "subscription (owner, item to swap), the catalog (target price) and portal configuration "
            "(policy) in parallel, then the invoice preview",
        ),
        warm=Minimum(1, "the invoice preview: a proration depends on the moment, so it is never cached"),
        run=_plan_change_preview,
        requires_mutation="previewPlanChange",
    ),
    Operation(
        name="multi_item_preview",
        title="multi-item preview",
        credential=Credential.CUSTOMER_SESSION,
        cold=Minimum(
            4,
            "subscription (items), the catalog (both prices, which products are add-ons) and portal "
            "configuration (policy) in parallel, then one invoice preview of both edits",
        ),
        warm=Minimum(1, "the invoice preview: a proration depends on the moment, so it is never cached"),
        run=_multi_item_preview,
        requires_mutation="previewPlanChange",
    ),
    Operation(
        name="customers_50",
        title="admin customers(first: 50)",
        credential=Credential.API_KEY,
        cold=Minimum(
            2,
            "the customers list with subscriptions expanded and, beside it, the catalog with their products",
        ),
        warm=CUSTOMERS_PAGE,
        run=_customers(50),
    ),
    Operation(
        name="customers_5",
        title="admin customers(first: 5)",
        credential=Credential.API_KEY,
        cold=Minimum(2, "the same two calls as for 50 customers: the page size does not add calls"),
        warm=CUSTOMERS_PAGE,
        run=_customers(5),
    ),
    Operation(
        name="invoice_history",
        title=f"invoice history, {INVOICE_PAGES} pages of {INVOICE_PAGE_SIZE}",
        credential=Credential.CUSTOMER_SESSION,
        cold=Minimum(INVOICE_PAGES, "one invoices list per page; the session already names the customer"),
        run=_invoice_history,
    ),
    Operation(
        name="pay_invoice",
        title="payInvoice, saved card",
        credential=Credential.API_KEY,
        cold=Minimum(3, "the invoice and the card (their owners, the invoice's state), then paying it"),
        warm=Minimum(
            2,
            "the card (a payment drops its customer's cached reads) and paying, which Stripe answers for a "
            "retried key with its first payment; the paid invoice stays cached",
        ),
        run=_pay_invoice,
        requires_mutation="payInvoice",
    ),
    Operation(
        name="create_setup_intent",
        title="createSetupIntent",
        credential=Credential.CUSTOMER_SESSION,
        cold=Minimum(3, "the customer (owner) and the portal configuration (policy), then the SetupIntent"),
        warm=Minimum(1, "the SetupIntent: a write is never served from the cache"),
        run=_create_setup_intent,
        requires_mutation="createSetupIntent",
    ),
    Operation(
        name="cancel_start",
        title="startCancellation (the offer lookup)",
        credential=Credential.CUSTOMER_SESSION,
        cold=Minimum(
            2,
            "the subscription (owner, state) and the portal configuration (policy) in parallel: the reads "
            "cancelSubscription makes, in 1 round trip; the offer comes from the database",
        ),
        run=_start_cancellation,
        requires_mutation="startCancellation",
    ),
    # Last: it leaves the demo subscription set to cancel (every run after the first finds it so).
    Operation(
        name="cancel",
        title="cancelSubscription, at period end",
        credential=Credential.CUSTOMER_SESSION,
        cold=Minimum(
            2,
            "the subscription and the portal configuration in parallel (1 round trip); once set to cancel, "
            "a repeat changes nothing (the first run also writes once)",
        ),
        run=_cancel_subscription,
    ),
)

ALTERNATIVE_DASHBOARD = Operation(
    name="dashboard",
    title="hand-written dashboard endpoint",
    credential=Credential.NONE,
    cold=Minimum(3, "customer, subscriptions and invoices: the three reads it makes, in one round trip"),
    run=_alternative_dashboard,
)

FLOOR_DASHBOARD = Operation(
    name="dashboard",
    title="hand-written dashboard from memory",
    credential=Credential.NONE,
    cold=Minimum(0, "portalql's warm dashboard answer, kept in the endpoint's memory: no Stripe at all"),
    run=_alternative_dashboard,
)
