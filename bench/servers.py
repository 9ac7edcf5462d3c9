"""Starting and stopping the servers of `bench.serve` as child processes, with bounded waits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
_LOG_TAIL_CHARS = 2000


class ServerFailedError(RuntimeError):
    """A server did not come up; the message carries the end of its log."""


@dataclass(frozen=True)
class Server:
    kind: str
    url: str
    pid: int
    announced: dict[str, Any]  # what the server printed at startup besides its port

    def peak_rss_bytes(self) -> int | None:
        """The process's peak resident set size so far (Linux `VmHWM`); None where /proc is missing."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return None


@asynccontextmanager
async def running(kind: str, *args: str, ready_path: str, workdir: Path) -> AsyncIterator[Server]:
    """Start `python -m bench.serve <kind> <args>`, wait until `ready_path` answers 200, stop it on exit."""
    log_path = workdir / f"{kind}-{time.monotonic_ns()}.log"
    # Servers restarted for cold runs would otherwise compile every module again whenever the environment
    # forbids writing bytecode; a cache of the run's own keeps the repository and the virtualenv untouched.
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.serve", kind, *args,
            cwd=ROOT, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
        )  # fmt: skip
        try:
            server = await _started(kind, process, ready_path, log_path)
            yield server
        finally:
            await _stop(process)


async def _started(kind: str, process: asyncio.subprocess.Process, ready_path: str, log_path: Path) -> Server:
    assert process.stdout is not None  # created with stdout=PIPE
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    try:
        line = await asyncio.wait_for(process.stdout.readline(), STARTUP_TIMEOUT_SECONDS)
    except TimeoutError:
        line = b""
    if not line:
        raise ServerFailedError(_failure(kind, "did not report its port", log_path))
    announced = json.loads(line)
    url = f"http://127.0.0.1:{announced.pop('port')}"
    async with httpx.AsyncClient(base_url=url, timeout=5.0) as client:
        while time.monotonic() < deadline and process.returncode is None:
            try:
                if (await client.get(ready_path)).status_code == 200:
                    return Server(kind=kind, url=url, pid=process.pid, announced=announced)
            except httpx.TransportError:
                pass  # not accepting connections yet
            await asyncio.sleep(0.05)
    raise ServerFailedError(_failure(kind, f"was not ready at {ready_path}", log_path))


def _failure(kind: str, problem: str, log_path: Path) -> str:
    tail = log_path.read_text(errors="replace")[-_LOG_TAIL_CHARS:].strip()
    return f"{kind} server {problem}" + (f"; its log ends with:\n{tail}" if tail else "")


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):  # it may exit between the check and the signal
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()
