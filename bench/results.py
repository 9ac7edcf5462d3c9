"""What one measured case found, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.measure import Latency, Measured, Throughput
    from bench.operations import Minimum, Operation


class Target(StrEnum):
    PORTALQL = "portalql"
    ALTERNATIVE = "alternative"
    FLOOR = "floor"  # the dashboard's JSON from memory: the least serving it can cost


class Cache(StrEnum):
    COLD = "cold"
    WARM = "warm"
    FIRST = "first"  # cold, and the process has never seen the customer: its first visit
    ATTACKED = "attacked"  # warm, while an attacker sends a document the API must refuse
    TRUSTED = "trusted"  # warm, the document sent as a trusted document's id instead of its text
    EXECUTED = "executed"  # warm, without the response cache: every request executed from the read cache
    NONE = "none"  # the alternative has no cache to be cold or warm


class Status(StrEnum):
    OK = "ok"
    NOT_APPLICABLE = "n/a"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class CaseResult:
    target: Target
    operation: Operation
    cache: Cache
    status: Status = Status.OK
    note: str | None = None
    measured: Measured | None = None

    @property
    def minimum(self) -> Minimum:
        if self.cache in {Cache.WARM, Cache.ATTACKED, Cache.TRUSTED, Cache.EXECUTED}:
            return self.operation.warm
        if self.cache is Cache.FIRST and self.operation.first_visit is not None:
            return self.operation.first_visit
        return self.operation.cold

    def to_json(self) -> dict[str, Any]:
        measured = self.measured
        return {
            "target": self.target.value,
            "operation": self.operation.name,
            "title": self.operation.title,
            "cache": self.cache.value,
            "status": self.status.value,
            "note": self.note,
            "credential": self.operation.credential.value,
            "minimum_calls": self.minimum.calls,
            "minimum_reason": self.minimum.reason,
            "stripe_calls": {
                "per_run": measured.calls_per_run if measured else [],
                "by_endpoint": dict(sorted(measured.samples[0].calls.items())) if measured else {},
            },
            "latency_ms": _latency_json(measured.latency) if measured else None,
            "throughput": _throughput_json(measured.throughput) if measured and measured.throughput else None,
            "peak_rss_bytes": measured.peak_rss_bytes if measured else None,
        }


def _latency_json(latency: Latency) -> dict[str, Any]:
    samples = latency.samples_ms
    return {"runs": len(samples), "p50": latency.p50, "p95": latency.p95, "samples": samples}


def _throughput_json(throughput: Throughput) -> dict[str, Any]:
    return {
        "concurrency": throughput.concurrency,
        "seconds": throughput.seconds,
        "completed": throughput.completed,
        "errors": throughput.errors,
        "first_error": throughput.first_error,
        "operations_per_second": throughput.operations_per_second,
        "stripe_calls_per_operation": (
            throughput.stripe_calls / throughput.completed if throughput.completed else None
        ),
    }
