"""`portalql serve`: the API, and beside it a Stripe sandbox with demo data when no Stripe key is set.

`--workers N` runs N worker processes under uvicorn's supervisor, which shares one listening socket among
them, restarts a worker that dies, and stops them all on SIGTERM/SIGINT. uvicorn rather than gunicorn: it is
already what serves a single process here, so one server, one set of options and one log shape cover both,
and nothing is added to install. Workers share the read cache, the auth cache's revocations and the Stripe
rate budget through Redis, so several workers need `REDIS_URL`; their metrics are added up from files in a
directory this command creates for them (`prometheus_client`'s multi-process mode).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import os
import secrets
import shlex
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Self, TextIO

import uvicorn
from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from typing_extensions import override
from uvicorn.supervisors import Multiprocess

from portalql.cli.demo import (
    DASHBOARD_DOCUMENT_ID,
    DASHBOARD_QUERY,
    mint_demo_credentials,
    retire_demo_credentials,
    seed_demo_offers,
)
from portalql.observability.logs import configure_logging
from portalql.observability.metrics import MULTIPROCESS_ENV
from portalql.persistence.db import Database
from portalql.settings import Settings
from portalql.web.app import create_app
from portalql.web.demo_return import DEMO_EVENTS_PATH, DEMO_RETURN_PATH
from resolvers import external_ids

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from fastapi import FastAPI

    from portalql.cli.demo import DemoCredentials

# The sandbox accepts any test-mode secret key; this one says where requests go.
SANDBOX_API_KEY = "sk_test_sandbox"
SANDBOX_PUBLISHABLE_KEY = "pk_test_sandbox"
_LOOPBACK = "127.0.0.1"


logger = logging.getLogger(__name__)
# How long the supervisor waits for a worker to answer its health check before replacing it, and for
# requests in flight on stop. A new worker answers only once it has imported everything, which takes
# seconds on a loaded machine: a short bound would replace workers before they ever start.
_WORKER_HEALTHCHECK_SECONDS = 60
_GRACEFUL_STOP_SECONDS = 20


def run(
    settings: Settings,
    *,
    host: str = _LOOPBACK,
    port: int = 8000,
    workers: int = 1,
    out: TextIO | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then stop the API, then the sandbox it was using."""
    out = out or sys.stdout
    configure_logging(settings.effective_log_format, level=settings.log_level)
    if settings.metrics_port is None and not settings.metrics_on_api()[0]:
        logger.warning("metrics are not served: set PORTALQL_METRICS_TOKEN or PORTALQL_METRICS_PORT")
    if workers > 1 and (problem := workers_problem(settings)) is not None:
        sys.stderr.write(f"portalql: cannot serve with {workers} workers: {problem}\n")
        raise SystemExit(2)
    try:
        api_socket = _listen(host, port)
    except OSError as exc:
        reason = "the address is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        sys.stderr.write(f"portalql: cannot listen on {host}:{port}: {reason} (choose another with --port)\n")
        raise SystemExit(1) from exc
    with api_socket, _metrics_directory(workers > 1):
        if settings.metrics_port is not None:
            _serve_metrics(settings.metrics_host, settings.metrics_port)
        if workers == 1:
            asyncio.run(_serve(settings, api_socket, host=host, out=out))
        else:
            _serve_workers(settings, api_socket, host=host, workers=workers, out=out)


def workers_problem(settings: Settings) -> str | None:
    """Why several worker processes would disagree with each other under these settings, if they would."""
    if settings.redis_url is not None:
        return None
    return (
        "without REDIS_URL each worker keeps its own read cache and auth cache and tells only its own "
        "live-update sockets, so a change or a revocation made through one would not be seen by the others. "
        "Set REDIS_URL (see the README's production section)."
    )


def worker_app() -> FastAPI:
    """The app of one worker process (`--workers N`), from the environment `_serve_workers` prepared."""
    settings = Settings()
    configure_logging(settings.effective_log_format, level=settings.log_level)
    return create_app(settings)


@contextlib.contextmanager
def _metrics_directory(several_processes: bool) -> Iterator[None]:
    """Where worker processes keep their metrics for each other's scrapes: the operator's
    `PROMETHEUS_MULTIPROC_DIR` (emptied, as the library asks between runs) or a directory made here."""
    if not several_processes:
        yield
        return
    configured = os.environ.get(MULTIPROCESS_ENV)
    if configured:
        for stale in Path(configured).glob("*.db"):
            stale.unlink()
        yield
        return
    with tempfile.TemporaryDirectory(prefix="portalql-metrics-") as directory:
        os.environ[MULTIPROCESS_ENV] = directory
        try:
            yield
        finally:
            del os.environ[MULTIPROCESS_ENV]


def _serve_metrics(host: str, port: int) -> None:
    """`/metrics` on a port of its own, in a thread of this process: every worker's when there are several."""
    directory = os.environ.get(MULTIPROCESS_ENV)
    if directory is None:
        start_http_server(port, addr=host)
        return
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]  # untyped upstream
    start_http_server(port, addr=host, registry=registry)


def _serve_workers(
    settings: Settings, api_socket: socket.socket, *, host: str, workers: int, out: TextIO
) -> None:
    """Prepare as one process does (sandbox, demo credentials, banner), then run `workers` processes on
    `api_socket` under uvicorn's supervisor in this thread; the sandbox, if any, serves from another."""
    prepared: list[Settings] = []
    ready, stop = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    async def sandbox_side() -> None:
        with contextlib.ExitStack() as sockets:
            served, sandbox = await _prepare(settings, api_socket, host=host, out=out, sockets=sockets)
            prepared.append(served)
            ready.set()
            if sandbox is None:
                return
            server, sandbox_socket = sandbox
            task = asyncio.create_task(server.serve(sockets=[sandbox_socket]))
            await asyncio.to_thread(stop.wait)
            server.should_exit = True
            await task

    def sandbox_thread() -> None:
        try:
            asyncio.run(sandbox_side())
        except BaseException as error:  # reported to the main thread, which stops
            failure.append(error)
            ready.set()

    thread = threading.Thread(target=sandbox_thread, name="sandbox", daemon=True)
    thread.start()
    ready.wait()
    if failure:
        raise failure[0]
    try:
        os.environ.update(_worker_environment(prepared[0], workers))
        config = uvicorn.Config(
            "portalql.cli.serve:worker_app",
            factory=True,
            workers=workers,
            lifespan="on",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=_GRACEFUL_STOP_SECONDS,
            timeout_worker_healthcheck=_WORKER_HEALTHCHECK_SECONDS,
            # A live-update socket's message is bounded like a GraphQL request's body.
            ws_max_size=prepared[0].graphql_max_body_bytes,
        )
        Multiprocess(config, sockets=[api_socket]).run()
    finally:
        stop.set()
        thread.join()


def _worker_environment(settings: Settings, workers: int) -> dict[str, str]:
    """What the parent decided (the sandbox's address and keys, the public URL) for workers that read their
    settings from the environment; secrets pass as environment variables, as the parent got them."""
    decided = {
        "STRIPE_API_KEY": settings.stripe_api_key.get_secret_value() if settings.stripe_api_key else None,
        "STRIPE_API_BASE": settings.stripe_api_base,
        "STRIPE_WEBHOOK_SECRET": (
            settings.stripe_webhook_secret.get_secret_value() if settings.stripe_webhook_secret else None
        ),
        "STRIPE_PUBLISHABLE_KEY": settings.stripe_publishable_key,
        "PORTALQL_PUBLIC_URL": settings.public_url,
        # While Redis is unreachable, each worker paces Stripe calls at its own share of the account's rate.
        "PORTALQL_INSTANCES": str(settings.instances * workers),
    }
    return {name: value for name, value in decided.items() if value is not None}


async def _serve(settings: Settings, api_socket: socket.socket, *, host: str, out: TextIO) -> None:
    with _StopSignals() as stop, contextlib.ExitStack() as sockets:
        settings, sandbox = await _prepare(settings, api_socket, host=host, out=out, sockets=sockets)
        api = _Server(
            uvicorn.Config(
                create_app(settings),
                log_config=None,
                log_level="info",
                lifespan="on",
                access_log=False,
                ws_max_size=settings.graphql_max_body_bytes,
            )
        )
        stop.watch(api)
        if not await _serve_until_stopped(api, api_socket, sandbox):
            raise SystemExit(1)


async def _prepare(
    settings: Settings,
    api_socket: socket.socket,
    *,
    host: str,
    out: TextIO,
    sockets: contextlib.ExitStack,
) -> tuple[Settings, tuple[_Server, socket.socket] | None]:
    """The settings to serve with, and the sandbox server to run beside the API when no Stripe key is set
    (its demo credentials printed)."""
    if "public_url" not in settings.model_fields_set:
        settings = settings.model_copy(update={"public_url": _base_url(host, api_socket.getsockname()[1])})
    graphiql_url = f"{settings.public_url.rstrip('/')}/graphql"

    sandbox: tuple[_Server, socket.socket] | None = None
    if settings.stripe_api_key is None:
        # Only a server without a Stripe key loads the sandbox: one serving a real account never does.
        from stripe_sandbox.seed import (  # noqa: PLC0415
            DEMO_COUPON_ID,
            demo_customer,
            open_login_page,
            overdue_customer,
            past_due_customer,
            seats_customer,
            usage_customer,
        )
        from stripe_sandbox.server import KEEP_ALIVE_SECONDS, build, build_app  # noqa: PLC0415

        sandbox_socket = sockets.enter_context(_listen_for_sandbox(settings.sandbox_port, out))
        sandbox_url = _base_url(_LOOPBACK, sandbox_socket.getsockname()[1])
        # The sandbox sends its events to the API as Stripe would, so a change made straight against it
        # (as if in Stripe's dashboard) shows in the next query.
        webhook_url = f"{_base_url(host, api_socket.getsockname()[1])}/webhooks/stripe"
        webhook_secret = _webhook_secret(settings)
        sandbox_state = build(
            "demo",
            latency_ms=settings.sandbox_latency_ms,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
        )
        # The demo's customers can also sign in by email at /portal/login (mails at /portal/dev/outbox).
        open_login_page(sandbox_state.store)
        # Logging is left to the process's configuration (`configure_logging`), without access lines: the
        # Stripe calls each GraphQL request made are counted by endpoint at `/metrics`.
        sandbox_config = uvicorn.Config(
            build_app(sandbox_state),
            log_config=None,
            log_level=None,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
        sandbox = (_Server(sandbox_config), sandbox_socket)
        settings = settings.model_copy(
            update={
                "stripe_api_key": SecretStr(SANDBOX_API_KEY),
                "stripe_api_base": sandbox_url,
                "stripe_webhook_secret": SecretStr(webhook_secret),
                "stripe_publishable_key": SANDBOX_PUBLISHABLE_KEY,
            }
        )
        demo = demo_customer(sandbox_state.store)
        async with _migrated_database(settings) as database:
            credentials = await mint_demo_credentials(
                database,
                customer_id=demo["id"],
                return_url=f"{settings.public_url.rstrip('/')}{DEMO_RETURN_PATH}",
                events_url=f"{settings.public_url.rstrip('/')}{DEMO_EVENTS_PATH}",
                past_due_customer_id=past_due_customer(sandbox_state.store)["id"],
                overdue_customer_id=overdue_customer(sandbox_state.store)["id"],
                seats_customer_id=seats_customer(sandbox_state.store)["id"],
                usage_customer_id=usage_customer(sandbox_state.store)["id"],
                external_id=demo["metadata"].get(external_ids.METADATA_KEY),
            )
            await seed_demo_offers(database, coupon_id=DEMO_COUPON_ID)
        _print_demo_banner(
            out,
            settings,
            sandbox_url=sandbox_url,
            webhook_url=webhook_url,
            graphiql_url=graphiql_url,
            credentials=credentials,
            demo_email=demo["email"],
        )
    else:
        async with _migrated_database(settings) as database:
            # Demo keys were printed on a console; they must not work against a real Stripe account.
            await retire_demo_credentials(database)
        out.write(f"GraphiQL: {graphiql_url}\n")
    out.flush()
    return settings, sandbox


def _webhook_secret(settings: Settings) -> str:
    """The configured signing secret, or one made up for this run: only this process has to know it."""
    configured = settings.stripe_webhook_secret
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value()
    return f"whsec_{secrets.token_urlsafe(24)}"


@contextlib.asynccontextmanager
async def _migrated_database(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    try:
        await database.migrate()
        yield database
    finally:
        await database.dispose()


class _Server(uvicorn.Server):
    @override
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # `_StopSignals` handles signals once for both servers; uvicorn's own handler would stop only the
        # server that installed it last.
        yield


class _StopSignals:
    """Ctrl-C and SIGTERM, handled from the first moment so that none falls to asyncio's default handler
    (which would cancel the startup half-way): the first stops the API gracefully, then the sandbox; a
    second one stops without waiting for open connections, as uvicorn does on its own."""

    _HANDLED = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._received = 0
        self._api: _Server | None = None

    def __enter__(self) -> Self:
        for handled in self._HANDLED:
            asyncio.get_running_loop().add_signal_handler(handled, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for handled in self._HANDLED:
            asyncio.get_running_loop().remove_signal_handler(handled)

    def watch(self, api: _Server) -> None:
        """Stop `api` on the next signal, or at once if one came while it was being prepared."""
        self._api = api
        api.should_exit = self._received > 0

    def _handle(self) -> None:
        self._received += 1
        if self._api is not None:
            self._api.force_exit = self._received > 1
            self._api.should_exit = True


async def _serve_until_stopped(
    api: _Server, api_socket: socket.socket, sandbox: tuple[_Server, socket.socket] | None
) -> bool:
    """Run both servers until a signal or until either exits. Returns whether the API had started."""
    tasks: list[asyncio.Task[None]] = []
    if sandbox is not None:
        sandbox_server, sandbox_socket = sandbox
        tasks.append(asyncio.create_task(sandbox_server.serve(sockets=[sandbox_socket])))
    api_task = asyncio.create_task(api.serve(sockets=[api_socket]))
    tasks.append(api_task)
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        # However the wait ended, the API stops first: its requests in flight may still call the sandbox.
        api.should_exit = True
        await asyncio.wait([api_task])
        if sandbox is not None:
            sandbox[0].should_exit = True
        await asyncio.wait(tasks)
    for task in tasks:
        task.result()  # a server that crashed re-raises here
    return api.started


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # The protocol named: asyncio turns Nagle's algorithm off on accepted connections only when the listening
    # socket's `proto` is TCP, and with it on a small answer waits ~40 ms for the client's delayed ACK.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen()
    except BaseException:
        listener.close()
        raise
    return listener


def _listen_for_sandbox(preferred_port: int, out: TextIO) -> socket.socket:
    try:
        return _listen(_LOOPBACK, preferred_port)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
    fallback = _listen(_LOOPBACK, 0)
    out.write(
        f"Port {preferred_port} is busy; the Stripe sandbox uses port {fallback.getsockname()[1]} instead.\n"
    )
    return fallback


def _base_url(host: str, port: int) -> str:
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - a wildcard bind is reached through loopback locally
        host = _LOOPBACK
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _metrics_line(settings: Settings) -> str:
    if settings.metrics_port is not None:
        return f"Metrics: http://{settings.metrics_host}:{settings.metrics_port}/metrics\n"
    served, token = settings.metrics_on_api()
    if not served:
        return ""
    access = " (with the bearer token PORTALQL_METRICS_TOKEN)" if token else ""
    return f"Metrics: {settings.public_url.rstrip('/')}/metrics{access}\n"


def _print_demo_banner(
    out: TextIO,
    settings: Settings,
    *,
    sandbox_url: str,
    webhook_url: str,
    graphiql_url: str,
    credentials: DemoCredentials,
    demo_email: str,
) -> None:
    database = make_url(settings.database_url).render_as_string(hide_password=True)
    sample = json.dumps({"query": "{ viewer { customer { name email } } }"})
    curl = shlex.join(
        [
            "curl", "-s", graphiql_url,
            "-H", "Content-Type: application/json",
            "-H", f"Authorization: Bearer {credentials.customer_session_token}",
            "-d", sample,
        ]
    )  # fmt: skip
    by_id = shlex.join(
        [
            "curl", "-s", graphiql_url,
            "-H", "Content-Type: application/json",
            "-H", f"Authorization: Bearer {credentials.customer_session_token}",
            "-d", json.dumps({"documentId": f"sha256:{DASHBOARD_DOCUMENT_ID}"}),
        ]
    )  # fmt: skip
    dashboard = "\n".join(f"  {line}" for line in DASHBOARD_QUERY.splitlines())
    external = (
        f"The demo customer's own id in the product: {credentials.external_id} "
        f'(try `{{ customer(externalId: "{credentials.external_id}") {{ id name }} }}` with the API key)\n'
        if credentials.external_id
        else ""
    )
    past_due = (
        "Hosted billing portal for a customer whose card was declined (past due, an invoice to pay; "
        f"one-time, 24 h): {settings.public_url.rstrip('/')}/portal/s/{credentials.past_due_portal_code}\n"
        if credentials.past_due_portal_code
        else ""
    )
    overdue = (
        "Hosted billing portal for a customer whose one-off invoice is overdue (pay it from the banner; "
        f"one-time, 24 h): {settings.public_url.rstrip('/')}/portal/s/{credentials.overdue_portal_code}\n"
        if credentials.overdue_portal_code
        else ""
    )
    seats = (
        "Hosted billing portal for a customer with a plan and five seats (step the seats, change the plan; "
        f"one-time, 24 h): {settings.public_url.rstrip('/')}/portal/s/{credentials.seats_portal_code}\n"
        if credentials.seats_portal_code
        else ""
    )
    card_flow = (
        "Hosted billing portal opened on adding a card, then a confirmation (a deep link, one-time, 24 h): "
        f"{settings.public_url.rstrip('/')}/portal/s/{credentials.card_flow_portal_code}\n"
        if credentials.card_flow_portal_code
        else ""
    )
    usage = (
        "Hosted billing portal for a usage-billed customer (API calls by tiers, credit grants; one-time, "
        f"24 h): {settings.public_url.rstrip('/')}/portal/s/{credentials.usage_portal_code}\n"
        if credentials.usage_portal_code
        else ""
    )
    base = settings.public_url.rstrip("/")
    german = (
        f"The same in German (a link with locale: de): {base}/portal/s/{credentials.german_portal_code}\n"
        if credentials.german_portal_code
        else ""
    )
    login = (
        f"Sign in by email (the demo customer is {demo_email}): {base}/portal/login; "
        f"the mails land at {base}/portal/dev/outbox\n"
    )
    out.write(
        f"No STRIPE_API_KEY set: serving a Stripe sandbox with demo data on {sandbox_url}\n"
        f"Webhooks: the sandbox sends its events to {webhook_url}, so changes made on it show at once\n"
        f"Database: {database}\n"
        f"API key (server to server, any customer): {credentials.api_key}\n"
        f"Customer session (demo customer {credentials.customer_id}, every scope, 24 h): "
        f"{credentials.customer_session_token}\n"
        f"GraphiQL: {graphiql_url}\n"
        f"{_metrics_line(settings)}"
        f"Hosted billing portal for the demo customer (a one-time link, 24 h): "
        f"{settings.public_url.rstrip('/')}/portal/s/{credentials.portal_code}\n"
        f"{past_due}"
        f"{overdue}"
        f"{seats}"
        f"{usage}"
        f"{external}"
        f"{card_flow}"
        f"{german}"
        f"{login}"
        "\n"
        f"Try it:\n  {curl}\n"
        "\n"
        "The demo dashboard: paste this into GraphiQL with the header "
        f'{{"Authorization": "Bearer {credentials.customer_session_token}"}}\n'
        f"{dashboard}\n"
        "\n"
        f"The same dashboard as a trusted document, sent by its id alone:\n  {by_id}\n"
        "\n"
        "Live updates: with the same header in GraphiQL, run\n"
        "  subscription { billingChanged { topics occurredAt } }\n"
        "then change something in the portal (or open it in two tabs): each hears of it at once.\n"
        "\n"
        "Press Ctrl+C to stop.\n"
    )
