"""Prometheus metrics of the service, and their exposition at `/metrics` or on a port of their own.

The gateway's own (Stripe calls, read cache, pacer) live in `stripe_gateway.metrics`; these are the ones
only the service sees. Every label is bounded: HTTP routes are templates (`/portal/s/{code}`), GraphQL
operation names are the first `_MAX_OPERATION_NAMES` a process sees (later ones count as `other`), codes are
the domain's.

Several worker processes (`portalql serve --workers N`) write their samples to files in
`PROMETHEUS_MULTIPROC_DIR`, which `serve` creates for them; a scrape of any worker, or of the metrics port,
adds up every worker's files (`prometheus_client`'s multi-process mode).
"""

from __future__ import annotations

import hmac
import os
import re
import threading
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

if TYPE_CHECKING:
    from collections.abc import Iterable

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

HTTP_REQUESTS = Counter(
    "portalql_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
HTTP_DURATION = Histogram(
    "portalql_http_request_duration_seconds",
    "How long an HTTP request took to answer, by route template.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
GRAPHQL_OPERATIONS = Counter(
    "portalql_graphql_operations",
    "GraphQL operations, by operation name and outcome: ok, user_error (code: the first userErrors code) "
    "or error (code: the first error's extensions.code).",
    ["operation", "outcome", "code"],
)
RESPONSE_CACHE = Counter(
    "portalql_response_cache",
    "GraphQL requests by what the response cache did: hit (answered from it), stored (executed and kept) or "
    "uncached (executed, not kept: not a query, an error, something read outside the read cache, too large, "
    "or invalidated meanwhile).",
    ["outcome"],
)
WEBHOOK_DELIVERIES = Counter(
    "portalql_webhook_deliveries",
    "Stripe webhook deliveries by event type and outcome: rejected (signature), ignored, unusable, "
    "duplicate, processed, already_processed, failed.",
    ["type", "outcome"],
)
WEBHOOK_LAG = Histogram(
    "portalql_webhook_processing_lag_seconds",
    "From an event's creation at Stripe to the end of its processing here.",
    buckets=(0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0),
)
PORTAL_LINKS = Counter(
    "portalql_portal_links",
    "One-time portal links: created, redeemed, expired (presented after expiry) or refused "
    "(unknown or used).",
    ["event"],
)
CUSTOMER_SESSIONS = Counter(
    "portalql_customer_sessions",
    "Customer session tokens: created (by an API key or a redeemed link) or rejected (presented but unknown, "
    "expired or revoked).",
    ["event"],
)
LIVE_SOCKETS = Gauge(
    "portalql_live_sockets",
    "Live-update sockets (GraphQL subscriptions) admitted and still open.",
    multiprocess_mode="livesum",
)
LIVE_WATCHERS = Gauge(
    "portalql_live_watchers",
    "Subscriptions watching a customer's billing changes.",
    multiprocess_mode="livesum",
)

_MAX_OPERATION_NAMES = 200
_OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_seen_operations: set[str] = set()
_seen_lock = threading.Lock()


def operation_label(name: str | None) -> str:
    """The label for a client-chosen operation name: bounded in shape and in number."""
    if not name:
        return "anonymous"
    if not _OPERATION_NAME.fullmatch(name):
        return "other"
    with _seen_lock:
        if name in _seen_operations:
            return name
        if len(_seen_operations) >= _MAX_OPERATION_NAMES:
            return "other"
        _seen_operations.add(name)
    return name


def record_graphql_operation(
    name: str | None, user_error_codes: Iterable[str], error_codes: Iterable[str]
) -> None:
    error = next(iter(error_codes), None)
    user_error = next(iter(user_error_codes), None)
    if error is not None:
        outcome, code = "error", error
    elif user_error is not None:
        outcome, code = "user_error", user_error
    else:
        outcome, code = "ok", ""
    GRAPHQL_OPERATIONS.labels(operation_label(name), outcome, code).inc()


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROCESS_ENV) or None


def exposition() -> bytes:
    """The text a scrape gets: this process's metrics, or every worker's in multi-process mode."""
    directory = multiprocess_dir()
    if directory is None:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]  # untyped upstream
    return generate_latest(registry)


def token_matches(authorization: str | None, token: str) -> bool:
    """Whether `Authorization: Bearer <token>` was presented, compared in constant time."""
    scheme, _, presented = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode())


CONTENT_TYPE = CONTENT_TYPE_LATEST
