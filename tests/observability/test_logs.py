"""Logs: every line written while serving a request carries its id; an incident's id is on its line with the
cause and Stripe's request id; one-time codes never appear. Checked on the JSON lines production writes."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from portalql.cli.demo import DASHBOARD_QUERY
from portalql.observability.logs import log_handler
from tests.fixtures.app import graphql

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import httpx

    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the service writes in production, from every logger, while the test runs."""
    stream = io.StringIO()
    handler = log_handler("json", stream)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    quiet = logging.getLogger(
        "httpx"
    )  # as `configure_logging` sets it (the tests' own client logs there too)
    quiet_level = quiet.level
    quiet.setLevel(logging.WARNING)
    yield stream
    quiet.setLevel(quiet_level)
    root.removeHandler(handler)
    root.setLevel(previous)


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_a_failed_dashboard_logs_its_error_id_beside_stripes_request_id(
    observed: httpx.AsyncClient,
    tokens: Tokens,
    customer_a: str,
    sandbox: SandboxHandle,
    json_lines: io.StringIO,
) -> None:
    token = await tokens.customer_session(customer_a)
    sandbox.add_fault("error", count=1, path="GET /v1/payment_methods")

    response = await observed.post(
        "/graphql",
        json={"query": DASHBOARD_QUERY},
        headers={"Authorization": f"Bearer {token}", "X-Request-Id": "req-from-the-proxy-1"},
    )

    # Two fields read the failed list: two errors, each with an id of its own, each logged.
    errors = response.json()["errors"]
    assert len({error["extensions"]["errorId"] for error in errors}) == len(errors) == 2
    records = _records(json_lines)
    assert records, "nothing was logged"
    # Every line of the request carries its id, the access line included.
    assert {record["request_id"] for record in records} == {"req-from-the-proxy-1"}
    for error in errors:
        [incident] = [
            record for record in records if record.get("error_id") == error["extensions"]["errorId"]
        ]
        assert incident["level"] == "warning"
        assert incident["error_code"] == "STRIPE_UNAVAILABLE"
        assert incident["stripe_request_id"] == error["extensions"]["stripeRequestId"]
        assert incident["stripe_request_id"].startswith("req_")
        assert "StripeUnavailable" in incident["message"]
    [access] = [record for record in records if record["logger"] == "portalql.access"]
    assert (access["route"], access["status"]) == ("/graphql", 200)
    assert token not in json_lines.getvalue()


async def test_no_secret_or_code_is_logged(
    observed: httpx.AsyncClient, tokens: Tokens, customer_a: str, json_lines: io.StringIO
) -> None:
    api_key = await tokens.api_key()
    created = await graphql(
        observed,
        "mutation($id: ID!) { createPortalSession(input: {customerId: $id, kind: HOSTED}) "
        "{ portalSession { url } userErrors { code } } }",
        {"id": customer_a},
        token=api_key,
    )
    code = created["data"]["createPortalSession"]["portalSession"]["url"].rsplit("/", 1)[1]

    assert (await observed.get(f"/portal/s/{code}?utm=x")).status_code == 303

    logged = json_lines.getvalue()
    assert "/portal/s/[redacted]" in logged
    assert code not in logged
    assert api_key not in logged
    assert "utm=x" not in logged


def test_tracing_off_loads_none_of_the_tracing(tmp_path: Path) -> None:
    # A fresh interpreter: this one imported the SDK for the tracing test. FastAPI imports the OpenTelemetry
    # API and redis its metrics SDK on their own when installed; the tracing itself must stay out.
    program = (
        "import sys\n"
        "from portalql.cli import main, serve\n"
        "from portalql.settings import Settings\n"
        "from portalql.web.app import create_app\n"
        "create_app(Settings(_env_file=None, stripe_api_key='sk_test_x'))\n"
        "tracing = ('opentelemetry.sdk.trace', 'opentelemetry.instrumentation', 'opentelemetry.exporter',\n"
        "           'strawberry.extensions.tracing', 'portalql.observability.tracing')\n"
        "print(sorted(name for name in sys.modules if name.startswith(tracing)))\n"
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith("OTEL_")}
    finished = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", program], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert finished.stdout == "[]\n"
