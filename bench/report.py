"""The figures as a table for people and as JSON for comparing commits."""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bench.results import Cache, Target
from bench.servers import ROOT

if TYPE_CHECKING:
    from pathlib import Path

    from bench.harness import Config
    from bench.measure import Measured
    from bench.results import CaseResult

FORMAT_VERSION = 1
MEMORY_METHOD = "peak resident set size (VmHWM in /proc/<pid>/status) of the server's own process"
_MIB = 1024 * 1024


@dataclass(frozen=True)
class Ratio:
    """portalql over the hand-written alternative, for one portalql dashboard case."""

    cache: str
    latency_p50: float
    throughput: float | None


def ratios(results: list[CaseResult]) -> list[Ratio]:
    alternative = _measured(results, Target.ALTERNATIVE)
    if alternative is None:
        return []
    found = []
    for result in results:
        measured = result.measured
        if result.target is not Target.PORTALQL or result.operation.name != "dashboard" or measured is None:
            continue
        load, alternative_load = measured.throughput, alternative.throughput
        rate = (
            load.operations_per_second / alternative_load.operations_per_second
            if load and alternative_load and alternative_load.operations_per_second
            else None
        )
        found.append(Ratio(result.cache.value, measured.latency.p50 / alternative.latency.p50, rate))
    return found


def _measured(results: list[CaseResult], target: Target, cache: Cache | None = None) -> Measured | None:
    return next(
        (
            r.measured
            for r in results
            if r.target is target
            and r.measured
            and (cache is None or r.cache is cache)
            and r.operation.name == "dashboard"
        ),
        None,
    )


def _rate(measured: Measured | None) -> float | None:
    load = measured.throughput if measured else None
    return load.operations_per_second if load and load.operations_per_second else None


def floor_ratios(results: list[CaseResult]) -> dict[str, float]:
    """The warm dashboard's throughput on one process over the floor's (its JSON served from memory): sent
    in full, as a trusted document, and executed (the response cache off); the trusted document's over the
    full text's, and the response cache's gain (warm over executed)."""
    floor = _rate(_measured(results, Target.FLOOR))
    warm = _rate(_measured(results, Target.PORTALQL, Cache.WARM))
    trusted = _rate(_measured(results, Target.PORTALQL, Cache.TRUSTED))
    executed = _rate(_measured(results, Target.PORTALQL, Cache.EXECUTED))
    found = {}
    for name, rate, over in (
        ("warm_over_floor", warm, floor),
        ("trusted_over_floor", trusted, floor),
        ("executed_over_floor", executed, floor),
        ("trusted_over_warm", trusted, warm),
        ("warm_over_executed", warm, executed),
    ):
        if rate and over:
            found[name] = rate / over
    return found


def git_commit() -> tuple[str | None, bool]:
    """HEAD, and whether tracked files differ from it (figures from a dirty tree are not HEAD's)."""
    git = shutil.which("git")
    if git is None:
        return None, False
    head = subprocess.run([git, "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603 - fixed arguments
    if head.returncode != 0:
        return None, False
    diff = subprocess.run([git, "diff", "--quiet", "HEAD"], cwd=ROOT, check=False)  # noqa: S603 - fixed arguments
    return head.stdout.strip(), diff.returncode != 0


def document(
    config: Config, results: list[CaseResult], found_ratios: list[Ratio], commit: tuple[str | None, bool]
) -> dict[str, Any]:
    sha, dirty = commit
    return {
        "format": FORMAT_VERSION,
        "commit": sha,
        "dirty": dirty,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "config": dataclasses.asdict(config),
        "memory_method": MEMORY_METHOD,
        "cases": [result.to_json() for result in results],
        "ratios_portalql_over_alternative": [dataclasses.asdict(ratio) for ratio in found_ratios],
        "dashboard_throughput_under_attack_over_without": attack_ratio(results),
        "dashboard_throughput_over_floor": floor_ratios(results),
    }


def write(path: Path, content: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n")


_LEGEND = (
    "calls: Stripe calls per operation (the sandbox's counter); min: the fewest that can answer it;",
    "ops/s: operations per second under load on one process ('-' for cold runs, timed one by one);",
    "peak MiB: the server process's peak resident memory. The minimums:",
)
_COLUMNS = ("operation", "target", "cache", "calls", "min", "p50 ms", "p95 ms", "ops/s", "peak MiB")
_WIDTHS = (38, 11, 8, 6, 4, 8, 8, 8, 8)


def table(
    config: Config, results: list[CaseResult], found_ratios: list[Ratio], commit: tuple[str | None, bool]
) -> str:
    sha, dirty = commit
    lines = [
        f"portalql benchmark at {(sha or 'unknown')[:12]}{' (uncommitted changes)' if dirty else ''}: "
        f"Stripe latency {config.latency_ms} ms per call, runs per case: {config.runs}, "
        f"throughput at concurrency {config.concurrency} for {config.duration_seconds:g} s",
        "",
        _row(_COLUMNS),
    ]
    lines += [_result_row(result) for result in results]
    lines += ["", *_LEGEND]
    lines += [f"  {r.operation.title} ({r.cache}): {r.minimum.calls}, {r.minimum.reason}" for r in results]
    if found_ratios:
        lines.append("")
        lines += [
            f"portalql/alternative, dashboard {ratio.cache}: p50 latency {_times(ratio.latency_p50)}, "
            f"throughput {_times(ratio.throughput)}"
            for ratio in found_ratios
        ]
    if (attack := attack_ratio(results)) is not None:
        lines.append(f"dashboard warm under attack/without it: throughput {_times(attack)}")
    floors = floor_ratios(results)
    for key, label in (
        ("warm_over_floor", "dashboard warm/floor (its JSON from memory), one process: throughput"),
        ("trusted_over_floor", "dashboard warm as a trusted document/floor: throughput"),
        ("executed_over_floor", "dashboard warm, executed (no response cache)/floor: throughput"),
        ("trusted_over_warm", "dashboard warm as a trusted document/sent in full: throughput"),
        ("warm_over_executed", "dashboard warm/executed (the response cache's gain): throughput"),
    ):
        if key in floors:
            lines.append(f"{label} {_times(floors[key])}")
    for result in results:
        load = result.measured.throughput if result.measured else None
        if load and load.errors:
            title = f"{result.operation.title} ({result.target})"
            lines.append(f"{title}: {load.errors} failed under load, first: {load.first_error}")
    return "\n".join(lines)


def attack_ratio(results: list[CaseResult]) -> float | None:
    """Warm throughput while an attacker sends a refused document, over warm throughput without it."""
    loads = {
        r.cache: r.measured.throughput
        for r in results
        if r.target is Target.PORTALQL and r.operation.under_attack and r.measured
    }
    attacked, warm = loads.get(Cache.ATTACKED), loads.get(Cache.WARM)
    if attacked is None or warm is None or not warm.operations_per_second:
        return None
    return attacked.operations_per_second / warm.operations_per_second


def _result_row(result: CaseResult) -> str:
    head = (result.operation.title, result.target.value, result.cache.value)
    measured = result.measured
    if measured is None:
        return _row(head) + (result.note or result.status.value)
    calls = sorted(set(measured.calls_per_run))
    load, peak = measured.throughput, measured.peak_rss_bytes
    return _row((
        *head,
        str(calls[0]) if len(calls) == 1 else f"{calls[0]}-{calls[-1]}",
        str(result.minimum.calls),
        f"{measured.latency.p50:.1f}",
        f"{measured.latency.p95:.1f}",
        f"{load.operations_per_second:.1f}" if load else "-",
        f"{peak / _MIB:.1f}" if peak else "-",
    ))  # fmt: skip


def _row(cells: tuple[str, ...]) -> str:
    """Names left-aligned, figures right-aligned; a short row leaves room for a note after it."""
    names = "".join(cell.ljust(width + 1) for cell, width in zip(cells[:3], _WIDTHS[:3], strict=False))
    figures = "".join(cell.rjust(width + 1) for cell, width in zip(cells[3:], _WIDTHS[3:], strict=False))
    return names + figures


def _times(value: float | None) -> str:
    return f"{value:.2f}x" if value is not None else "n/a"
