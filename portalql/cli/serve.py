"""`portalql serve`: the API, and beside it a Stripe sandbox with demo data when no Stripe key is set."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import secrets
import shlex
import signal
import socket
import sys
from typing import TYPE_CHECKING, Self, TextIO

import uvicorn
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from typing_extensions import override

from portalql.cli.demo import DASHBOARD_QUERY, mint_demo_credentials, retire_demo_credentials
from portalql.persistence.db import Database
from portalql.web.app import create_app

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from portalql.cli.demo import DemoCredentials
    from portalql.settings import Settings

# The sandbox accepts any test-mode secret key; this one says where requests go.
SANDBOX_API_KEY = "sk_test_sandbox"
SANDBOX_PUBLISHABLE_KEY = "pk_test_sandbox"
_LOOPBACK = "127.0.0.1"


def run(settings: Settings, *, host: str = _LOOPBACK, port: int = 8000, out: TextIO | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then stop the API, then the sandbox it was using."""
    out = out or sys.stdout
    try:
        api_socket = _listen(host, port)
    except OSError as exc:
        reason = "the address is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        sys.stderr.write(f"portalql: cannot listen on {host}:{port}: {reason} (choose another with --port)\n")
        raise SystemExit(1) from exc
    with api_socket:
        asyncio.run(_serve(settings, api_socket, host=host, out=out))


async def _serve(settings: Settings, api_socket: socket.socket, *, host: str, out: TextIO) -> None:
    if "public_url" not in settings.model_fields_set:
        settings = settings.model_copy(update={"public_url": _base_url(host, api_socket.getsockname()[1])})
    graphiql_url = f"{settings.public_url.rstrip('/')}/graphql"

    with _StopSignals() as stop, contextlib.ExitStack() as sockets:
        sandbox: tuple[_Server, socket.socket] | None = None
        if settings.stripe_api_key is None:
            # Only a server without a Stripe key loads the sandbox: one serving a real account never does.
            from stripe_sandbox.seed import demo_customer, open_login_page, past_due_customer  # noqa: PLC0415
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
            # Logging is left to the API's server; the sandbox's requests show in its access log as the
            # `/v1/…` lines: the Stripe calls each GraphQL request made.
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
            async with _migrated_database(settings) as database:
                credentials = await mint_demo_credentials(
                    database,
                    customer_id=demo_customer(sandbox_state.store)["id"],
                    return_url=graphiql_url,
                    past_due_customer_id=past_due_customer(sandbox_state.store)["id"],
                )
            _print_demo_banner(
                out,
                settings,
                sandbox_url=sandbox_url,
                webhook_url=webhook_url,
                graphiql_url=graphiql_url,
                credentials=credentials,
                demo_email=demo_customer(sandbox_state.store)["email"],
            )
        else:
            async with _migrated_database(settings) as database:
                # Demo keys were printed on a console; they must not work against a real Stripe account.
                await retire_demo_credentials(database)
            out.write(f"GraphiQL: {graphiql_url}\n")
        out.flush()

        api = _Server(uvicorn.Config(create_app(settings), log_level="info", lifespan="on"))
        stop.watch(api)
        if not await _serve_until_stopped(api, api_socket, sandbox):
            raise SystemExit(1)


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
    return socket.create_server((host, port), family=family)


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
    dashboard = "\n".join(f"  {line}" for line in DASHBOARD_QUERY.splitlines())
    past_due = (
        "Hosted billing portal for a customer whose card was declined (past due, an invoice to pay; "
        f"one-time, 24 h): {settings.public_url.rstrip('/')}/portal/s/{credentials.past_due_portal_code}\n"
        if credentials.past_due_portal_code
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
        f"Hosted billing portal for the demo customer (a one-time link, 24 h): "
        f"{settings.public_url.rstrip('/')}/portal/s/{credentials.portal_code}\n"
        f"{past_due}"
        f"{german}"
        f"{login}"
        "\n"
        f"Try it:\n  {curl}\n"
        "\n"
        "The demo dashboard: paste this into GraphiQL with the header "
        f'{{"Authorization": "Bearer {credentials.customer_session_token}"}}\n'
        f"{dashboard}\n"
        "\n"
        "Press Ctrl+C to stop.\n"
    )
