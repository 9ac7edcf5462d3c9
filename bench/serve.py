"""One server of the benchmark, in a process of its own: `python -m bench.serve <kind> [options]`.

Each measured server gets its own process so its peak memory is its own and the load generator does not
share its interpreter. The process binds a free loopback port itself (no race between choosing a port and
binding it), prints `{"port": N, ...}` as one JSON line, and serves until SIGTERM or SIGINT. The sandbox
adds the demo customer's id, which the seed generates.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn
from pydantic import SecretStr

if TYPE_CHECKING:
    from collections.abc import Sequence

    from starlette.types import ASGIApp, Receive, Scope, Send

HOST = "127.0.0.1"
SANDBOX_API_KEY = "sk_test_bench"
SANDBOX_PUBLISHABLE_KEY = "pk_test_bench"
DEPLOYMENT_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "STRIPE_API_KEY",
    "STRIPE_API_BASE",
    "STRIPE_WEBHOOK_SECRET",
}


Started = tuple["ASGIApp", dict[str, Any]]  # the app, and what to announce besides the port


def _sandbox_app(options: argparse.Namespace) -> Started:
    from stripe_sandbox import seed, server  # noqa: PLC0415 - each kind imports only what it serves

    sandbox = server.build("demo", latency_ms=options.latency_ms)
    announced = {
        "demo_customer_id": seed.demo_customer(sandbox.store)["id"],
        "usage_customer_id": seed.usage_customer(sandbox.store)["id"],
    }
    return server.build_app(sandbox), announced


def _portalql_app(options: argparse.Namespace) -> Started:
    from portalql.settings import Settings  # noqa: PLC0415
    from portalql.web.app import create_app  # noqa: PLC0415 - each kind imports only what it serves

    if options.metrics == "off":
        _record_no_metrics()

    # The embedded defaults, whatever this environment configures for a deployment: a Redis cache, for one,
    # would outlive the restarts that make cold runs cold.
    for name in [name for name in os.environ if name.startswith("PORTALQL_") or name in DEPLOYMENT_VARIABLES]:
        del os.environ[name]
    settings = Settings(
        _env_file=None,
        database_url=options.database_url,
        stripe_api_key=SecretStr(SANDBOX_API_KEY),
        stripe_api_base=options.stripe_api_base,
        stripe_publishable_key=SANDBOX_PUBLISHABLE_KEY,
        read_cache=options.read_cache,
        response_cache=options.response_cache,
        # Stripe's test-mode limit (the default) would pace back-to-back cold runs; the sandbox has no limit
        # and the alternative no limiter.
        stripe_requests_per_second=options.stripe_requests_per_second,
        otel_exporter_otlp_endpoint=options.otlp_endpoint,
        redis_url=options.redis_url,
        stripe_webhook_secret=None if options.webhook_secret is None else SecretStr(options.webhook_secret),
    )
    return create_app(settings), {}


def _record_no_metrics() -> None:
    """The baseline of the metrics' overhead: every counter and histogram of the process records nothing
    (their labels are still looked up, as the code does; the recording is what is left out)."""
    from prometheus_client import Counter, Histogram  # noqa: PLC0415

    Counter.inc = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
    Histogram.observe = lambda *_args, **_kwargs: None  # type: ignore[method-assign]


def _otlp_sink_app(_options: argparse.Namespace) -> Started:
    """Where traces go in the benchmark: an OTLP/HTTP endpoint that accepts every export and keeps nothing."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/x-protobuf")],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    return app, {}


def _alternative_app(options: argparse.Namespace) -> Started:
    from bench.alternative import create_app  # noqa: PLC0415 - each kind imports only what it serves

    return create_app(api_key=SANDBOX_API_KEY, api_base=options.stripe_api_base), {}


def _floor_app(options: argparse.Namespace) -> Started:
    from bench.floor import create_app  # noqa: PLC0415 - each kind imports only what it serves

    return create_app(dashboards=Path(options.dashboards)), {}


APPS = {
    "sandbox": _sandbox_app,
    "portalql": _portalql_app,
    "alternative": _alternative_app,
    "otlp-sink": _otlp_sink_app,
    "floor": _floor_app,
}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve")
    parser.add_argument("kind", choices=sorted(APPS))
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--stripe-api-base")
    parser.add_argument("--database-url")
    parser.add_argument("--no-read-cache", dest="read_cache", action="store_false")
    parser.add_argument("--no-response-cache", dest="response_cache", action="store_false")
    parser.add_argument("--stripe-requests-per-second", type=int, default=1000)
    parser.add_argument("--metrics", choices=["on", "off"], default="on")
    parser.add_argument("--otlp-endpoint", help="export traces there (OTLP over HTTP)")
    parser.add_argument("--dashboards", help="the floor's JSON: portalql's dashboard answer by customer")
    parser.add_argument("--redis-url", help="share the cache and live updates with other instances there")
    parser.add_argument("--webhook-secret", help="accept the sandbox's webhooks signed with this")
    options = parser.parse_args(argv)
    app, announced = APPS[options.kind](options)

    # The explicit protocol matters: asyncio turns Nagle's algorithm off only on sockets whose proto is TCP,
    # and with it on, small responses wait ~40 ms for delayed ACKs.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    print(json.dumps({"port": sock.getsockname()[1], **announced}), flush=True)
    # Nothing else may reach the pipe: nobody reads it after the first line, and a full pipe would block us.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
