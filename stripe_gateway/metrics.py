"""The gateway's Prometheus metrics: Stripe calls, read-cache lookups and the pacer's waits.

Labels are bounded: a Stripe path is reported as its template (`/v1/customers/{id}`), never with an id, and a
cache lookup by the kind of record it is for. The service exposes them (see `portalql.observability`).
"""

from __future__ import annotations

import re

from prometheus_client import Counter, Histogram

STRIPE_REQUESTS = Counter(
    "portalql_stripe_requests",
    "HTTP requests made to Stripe, each attempt counted (retries included), by endpoint and status "
    "('error' when no answer came).",
    ["method", "endpoint", "status"],
)
STRIPE_LATENCY = Histogram(
    "portalql_stripe_request_duration_seconds",
    "How long Stripe took to answer one attempt.",
    ["method", "endpoint"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0, 20.0),
)
CACHE_LOOKUPS = Counter(
    "portalql_read_cache_lookups",
    "Read-cache lookups, by the kind of record looked up and whether it was there (hit) or not (miss).",
    ["kind", "result"],
)
PACER_WAITS = Histogram(
    "portalql_stripe_pacer_wait_seconds",
    "How long a Stripe call waited for its turn under the account's rate limit (0 when it went at once).",
    buckets=(0.0, 0.01, 0.04, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
PACER_REFUSALS = Counter(
    "portalql_stripe_pacer_refusals",
    "Stripe calls refused before reaching Stripe because their turn would come after the request's deadline.",
)

# Path segments after which Stripe's next segment is an object's id, unless it is one of `_ACTIONS`.
_COLLECTIONS = frozenset(
    {
        "charges", "configurations", "customers", "events", "invoice_payments", "invoiceitems", "invoices",
        "line_items", "payment_intents", "payment_methods", "prices", "products", "refunds", "sessions",
        "setup_intents", "subscription_items", "subscriptions", "test_clocks",
    }
)  # fmt: skip
_ACTIONS = frozenset({"search", "create_preview", "upcoming"})
_WORD = re.compile(r"[a-z_]{1,40}")


def endpoint_template(path: str) -> str:
    """`/v1/invoices/in_123/pay?x=1` → `/v1/invoices/{id}/pay`: what a Stripe call did, without whom to."""
    segments = path.split("?", 1)[0].strip("/").split("/")
    template: list[str] = []
    for index, segment in enumerate(segments):
        # The previous segment named a collection (and was not itself an id): this one is an object in it.
        after_collection = index > 0 and segments[index - 1] in _COLLECTIONS and template[-1] != "{id}"
        if (after_collection and segment not in _ACTIONS) or not (
            segment == "v1" or _WORD.fullmatch(segment)
        ):
            template.append("{id}")
        else:
            template.append(segment)
    return "/" + "/".join(template)
