"""`python -m bench.instructions`: the CPU instructions one warm dashboard costs, counted by callgrind.

Throughput on a machine shared with other work moves with that work; instructions do not. Each kind runs
in a process of its own under valgrind's callgrind: the app in-process, its ASGI callable called directly
(no client, no sockets) with the warm dashboard, first untimed until every cache is warm, then `--count`
times with callgrind's instrumentation switched on around those requests alone. A run with no requests
counts what switching it on and off costs, which is subtracted. The kinds: `warm`, answered whole from the
response cache; `executed`, the response cache off, every read served by the read cache; `floor`, the
floor's endpoint (`bench.floor`) with that dashboard's answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import SecretStr

from bench.operations import DASHBOARD, OperationFailedError
from bench.serve import SANDBOX_API_KEY, SANDBOX_PUBLISHABLE_KEY
from bench.servers import ROOT, running

if TYPE_CHECKING:
    from collections.abc import Sequence

    from starlette.types import ASGIApp, Message

KINDS = ("warm", "executed", "floor")
WARM_UP = 20
_TOTALS = re.compile(rb"^totals: (\d+)$", re.MULTILINE)


async def _call(app: ASGIApp, path: str, *, headers: dict[str, str], body: bytes = b"") -> bytes:
    """One request to the ASGI app, as a server would make it; the response's body."""
    method = "POST" if body else "GET"
    sent_headers = {**headers, "content-length": str(len(body))}
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in sent_headers.items()],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip
    requested = False

    async def receive() -> Message:
        nonlocal requested
        if requested:
            await asyncio.Event().wait()  # the client never leaves
        requested = True
        return {"type": "http.request", "body": body, "more_body": False}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def _instrument(control: str, *, on: bool) -> None:
    """Switch callgrind's counting on or off in this process, with valgrind's `callgrind_control`."""
    state = "on" if on else "off"
    subprocess.run([control, f"--instr={state}", str(os.getpid())], check=True, capture_output=True)  # noqa: S603 - fixed arguments


async def _measure(kind: str, count: int, control: str) -> None:
    """The body of one callgrind run: warm a server of `kind` up, then count `count` dashboards."""
    from portalql.cli.demo import mint_demo_credentials  # noqa: PLC0415 - the measured process only
    from portalql.persistence.db import Database  # noqa: PLC0415
    from portalql.settings import Settings  # noqa: PLC0415
    from portalql.web.app import create_app  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="portalql-instructions-") as workdir:
        async with running("sandbox", ready_path="/_sandbox/calls", workdir=Path(workdir)) as sandbox:
            url = f"sqlite+aiosqlite:///{workdir}/portalql.db"
            database = Database(url)
            await database.migrate()
            customer_id = sandbox.announced["demo_customer_id"]
            credentials = await mint_demo_credentials(
                database, customer_id=customer_id, return_url="http://x/"
            )
            await database.dispose()
            settings = Settings(
                _env_file=None,
                database_url=url,
                stripe_api_key=SecretStr(SANDBOX_API_KEY),
                stripe_api_base=sandbox.url,
                stripe_publishable_key=SANDBOX_PUBLISHABLE_KEY,
                stripe_requests_per_second=1000,
                response_cache=kind != "executed",
            )
            app = create_app(settings)
            path, body = "/graphql", orjson.dumps({"query": DASHBOARD, "variables": {}})
            headers = {
                "authorization": f"Bearer {credentials.customer_session_token}",
                "content-type": "application/json",
            }
            async with app.router.lifespan_context(app):
                answer = await _call(app, path, headers=headers, body=body)
                if kind == "floor":
                    from bench.floor import create_app as floor_app  # noqa: PLC0415

                    dashboards = Path(workdir) / "dashboards.json"
                    dashboards.write_bytes(orjson.dumps({customer_id: orjson.loads(answer)}))
                    app, headers, body = floor_app(dashboards=dashboards), {}, b""
                    path = f"/customers/{customer_id}/dashboard"
                for _ in range(WARM_UP):
                    if await _call(app, path, headers=headers, body=body) != answer:
                        raise OperationFailedError(f"{kind}: a warm dashboard answered differently")
                _instrument(control, on=True)
                for _ in range(count):
                    await _call(app, path, headers=headers, body=body)
                _instrument(control, on=False)


def _counted(valgrind: str, kind: str, count: int, workdir: Path) -> int:
    """The instructions callgrind counted in a run of `count` dashboards of `kind`."""
    out = workdir / f"callgrind.{kind}.{count}"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            valgrind, "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
            sys.executable, "-m", "bench.instructions", "--measure", kind, "--count", str(count),
        ],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    found = _TOTALS.search(out.read_bytes())
    if found is None:
        raise OperationFailedError(f"callgrind wrote no totals for {kind}")
    return int(found.group(1))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--count", type=int, default=50, help="dashboards counted per kind (default 50)")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--measure", choices=KINDS, help=argparse.SUPPRESS)  # inside valgrind
    options = parser.parse_args(argv)
    if options.count < (0 if options.measure else 1):
        parser.error("count at least one dashboard")
    valgrind, control = shutil.which("valgrind"), shutil.which("callgrind_control")
    if valgrind is None or control is None:
        print("valgrind (with callgrind_control) is needed", file=sys.stderr)
        return 1
    if options.measure is not None:
        asyncio.run(_measure(options.measure, options.count, control))
        return 0
    per_dashboard = {}
    with tempfile.TemporaryDirectory(prefix="portalql-callgrind-") as workdir:
        for kind in options.kinds:
            print(f"counting {kind} ({options.count} dashboards, under callgrind)", file=sys.stderr)
            switching = _counted(valgrind, kind, 0, Path(workdir))
            counted = _counted(valgrind, kind, options.count, Path(workdir))
            per_dashboard[kind] = (counted - switching) / options.count
    for kind, instructions in per_dashboard.items():
        print(f"{kind:<9}{instructions / 1e6:>8.2f} M instructions per dashboard")
    if "floor" in per_dashboard:
        for kind in ("warm", "executed"):
            if kind in per_dashboard:
                print(f"{kind}/floor: {per_dashboard[kind] / per_dashboard['floor']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
