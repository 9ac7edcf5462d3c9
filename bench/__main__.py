"""`python -m bench`: measure portalql and the hand-written alternative, print a table, write JSON."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bench import deployment, report
from bench.harness import Config, run
from bench.operations import PORTALQL_OPERATIONS
from bench.servers import ROOT

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

DEFAULT_OUTPUT = ROOT / "bench" / "results" / "latest.json"
# (full run, --quick): --quick is sized for CI, explicit options still win.
FULL = Config(runs=30, latency_ms=50, concurrency=16, duration_seconds=5.0)
QUICK = dataclasses.replace(FULL, runs=5, duration_seconds=1.0)  # CI-sized; explicit options still win


def parse(argv: Sequence[str] | None) -> tuple[Config, Path]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, help="timed runs per case (default 30; 5 with --quick)")
    parser.add_argument("--latency-ms", type=int, help="the sandbox's latency per Stripe call (default 50)")
    parser.add_argument("--concurrency", type=int, help="concurrent operations under load (default 16)")
    parser.add_argument(
        "--duration-seconds", type=float, help="each load phase's length (default 5; 1 with --quick)"
    )
    parser.add_argument("--only", choices=[op.name for op in PORTALQL_OPERATIONS], help="one operation")
    parser.add_argument("--quick", action="store_true", help="a CI-sized run")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the JSON goes")
    options = parser.parse_args(argv)
    chosen = {
        name: getattr(options, name) for name in ("runs", "latency_ms", "concurrency", "duration_seconds")
    }
    config = dataclasses.replace(
        QUICK if options.quick else FULL,
        only=options.only,
        **{name: value for name, value in chosen.items() if value is not None},
    )
    if min(config.runs, config.concurrency) < 1 or config.latency_ms < 0 or config.duration_seconds <= 0:
        parser.error("runs, concurrency and duration must be positive and the latency not negative")
    return config, options.output


def main(argv: Sequence[str] | None = None) -> int:
    config, output = parse(argv)
    commit = report.git_commit()  # before the run: what is measured is the tree the servers start from
    progress = lambda line: print(f"measuring {line}", file=sys.stderr)  # noqa: E731
    try:
        results = asyncio.run(run(config, progress=progress))
        measured_deployment = asyncio.run(_deployment(config, progress)) if config.only is None else None
    except KeyboardInterrupt:
        print("interrupted; every server was stopped", file=sys.stderr)
        return 130
    found_ratios = report.ratios(results)
    print(report.table(config, results, found_ratios, commit))
    content = report.document(config, results, found_ratios, commit)
    if measured_deployment is not None:
        print(measured_deployment.table())
        content["deployment"] = measured_deployment.to_json()
    report.write(output, content)
    print(f"\nJSON: {output}")
    return 0


async def _deployment(config: Config, progress: Callable[[str], None]) -> deployment.Deployment:
    with tempfile.TemporaryDirectory(prefix="portalql-bench-deployment-") as workdir:
        return await deployment.measure(config, progress, Path(workdir))


if __name__ == "__main__":
    sys.exit(main())
