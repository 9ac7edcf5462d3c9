"""`python -m bench` end to end in a tiny configuration: the JSON it writes and the Stripe calls it counts.

Timings are never asserted: they are the benchmark's figures, not something a test can pass or fail on.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import pytest

from bench import live
from bench.__main__ import main

if TYPE_CHECKING:
    from pathlib import Path

RUNS = 2
TINY = ["--runs", str(RUNS), "--latency-ms", "0", "--concurrency", "2", "--duration-seconds", "0.2"]
OPERATIONS = (
    "dashboard",
    "usage_dashboard",
    "plan_change_preview",
    "multi_item_preview",
    "customers_50",
    "customers_5",
    "invoice_history",
    "pay_invoice",
    "create_setup_intent",
    "cancel_start",
    "cancel",
)

Cases = dict[tuple[str, str, str], dict[str, Any]]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    output: Path = tmp_path_factory.mktemp("bench") / "latest.json"
    # Two workers share a Redis: the tests' own when one is configured.
    with pytest.MonkeyPatch.context() as patch:
        if "PORTALQL_TEST_REDIS_URL" in os.environ:
            patch.setenv("PORTALQL_BENCH_REDIS_URL", os.environ["PORTALQL_TEST_REDIS_URL"])
        assert main([*TINY, "--output", str(output)]) == 0
    result: dict[str, Any] = json.loads(output.read_text())
    return result


@pytest.fixture(scope="module")
def cases(report: dict[str, Any]) -> Cases:
    return {(case["target"], case["operation"], case["cache"]): case for case in report["cases"]}


def _calls(case: dict[str, Any]) -> list[int]:
    calls: list[int] = case["stripe_calls"]["per_run"]
    return calls


def test_the_report_names_its_commit_and_configuration(report: dict[str, Any]) -> None:
    assert len(report["commit"]) == 40
    assert isinstance(report["dirty"], bool)
    assert report["config"] == {
        "runs": RUNS, "latency_ms": 0, "concurrency": 2, "duration_seconds": 0.2, "only": None,
        "max_operations": 50_000,
    }  # fmt: skip
    assert "VmHWM" in report["memory_method"]


def test_every_operation_is_measured_cold_and_warm_beside_the_alternative(cases: Cases) -> None:
    portalql = {("portalql", name, cache) for name in OPERATIONS for cache in ("cold", "warm")}
    first_visit, attacked = ("portalql", "dashboard", "first"), ("portalql", "dashboard", "attacked")
    trusted, executed, others = (
        ("portalql", "dashboard", "trusted"),
        ("portalql", "dashboard", "executed"),
        {(t, "dashboard", "none") for t in ("alternative", "floor")},
    )
    assert set(cases) == portalql | {first_visit, attacked, trusted, executed} | others
    for case in cases.values():
        assert case["status"] == "ok", case["note"]
        assert case["minimum_reason"]
        assert case["latency_ms"]["runs"] == len(case["latency_ms"]["samples"]) == RUNS
        assert case["peak_rss_bytes"] > 0


def test_each_case_makes_the_same_stripe_calls_on_every_run_and_never_fewer_than_its_minimum(
    cases: Cases,
) -> None:
    for case in cases.values():
        calls = _calls(case)
        assert calls == [calls[0]] * RUNS, case["title"]
        assert calls[0] >= case["minimum_calls"], case["title"]
        assert sum(case["stripe_calls"]["by_endpoint"].values()) == calls[0]


def test_the_dashboard_costs_its_minimum_cold_and_on_a_first_visit_and_nothing_warm(cases: Cases) -> None:
    cold, warm = cases["portalql", "dashboard", "cold"], cases["portalql", "dashboard", "warm"]
    first = cases["portalql", "dashboard", "first"]

    assert _calls(cold) == [cold["minimum_calls"]] * RUNS
    assert _calls(first) == [first["minimum_calls"]] * RUNS
    assert first["stripe_calls"]["by_endpoint"] == cold["stripe_calls"]["by_endpoint"]
    assert _calls(warm) == [0] * RUNS
    assert warm["throughput"]["stripe_calls_per_operation"] == 0


def test_the_usage_dashboard_costs_its_minimum_cold_and_nothing_warm(cases: Cases) -> None:
    cold, warm = cases["portalql", "usage_dashboard", "cold"], cases["portalql", "usage_dashboard", "warm"]

    assert _calls(cold) == [cold["minimum_calls"]] * RUNS == [10] * RUNS
    assert cold["stripe_calls"]["by_endpoint"] == {
        "GET /v1/customers/{id}": 1,
        "GET /v1/prices": 1,
        "GET /v1/invoices": 1,
        "GET /v1/payment_methods": 1,
        "POST /v1/invoices/create_preview": 1,
        "GET /v1/billing/meters": 1,
        "GET /v1/billing/meters/{id}/event_summaries": 1,
        "GET /v1/billing/credit_balance_summary": 1,
        "GET /v1/billing/credit_grants": 1,
        "GET /v1/billing/credit_balance_transactions": 1,
    }
    assert _calls(warm) == [0] * RUNS


def test_cold_invoice_history_reads_only_its_pages_of_invoices(cases: Cases) -> None:
    cold = cases["portalql", "invoice_history", "cold"]

    assert _calls(cold) == [cold["minimum_calls"]] * RUNS
    assert cold["stripe_calls"]["by_endpoint"] == {"GET /v1/invoices": 3}


def test_the_admin_list_costs_the_same_calls_for_50_customers_as_for_5(cases: Cases) -> None:
    for cache in ("cold", "warm"):
        fifty, five = cases["portalql", "customers_50", cache], cases["portalql", "customers_5", cache]
        assert fifty["stripe_calls"]["by_endpoint"] == five["stripe_calls"]["by_endpoint"]
    assert _calls(cases["portalql", "customers_50", "cold"]) == [2] * RUNS


def test_the_alternative_makes_its_three_reads_on_every_run_and_under_load(cases: Cases) -> None:
    alternative = cases["alternative", "dashboard", "none"]

    assert alternative["stripe_calls"] == {
        "per_run": [3] * RUNS,
        "by_endpoint": {"GET /v1/customers/{id}": 1, "GET /v1/invoices": 1, "GET /v1/subscriptions": 1},
    }
    load = alternative["throughput"]
    assert load["concurrency"] == 2
    assert load["completed"] > 0
    assert load["errors"] == 0
    assert load["stripe_calls_per_operation"] == 3


def test_the_ratios_compare_each_dashboard_case_with_the_alternative(report: dict[str, Any]) -> None:
    ratios = {ratio["cache"]: ratio for ratio in report["ratios_portalql_over_alternative"]}

    assert set(ratios) == {"cold", "warm", "first", "attacked", "trusted", "executed"}
    assert ratios["cold"]["throughput"] is None  # cold runs are timed one by one: no load phase
    assert ratios["first"]["throughput"] is None
    assert ratios["warm"]["throughput"] > 0


def test_the_warm_dashboard_is_measured_again_while_an_attacker_sends_a_refused_document(
    report: dict[str, Any], cases: Cases
) -> None:
    attacked = cases["portalql", "dashboard", "attacked"]

    assert _calls(attacked) == [0] * RUNS
    assert attacked["throughput"]["errors"] == 0
    assert attacked["throughput"]["completed"] > 0
    assert report["dashboard_throughput_under_attack_over_without"] > 0


def test_paying_an_invoice_and_adding_a_card_cost_their_stated_minimums(cases: Cases) -> None:
    for name in ("pay_invoice", "create_setup_intent"):
        for cache in ("cold", "warm"):
            case = cases["portalql", name, cache]
            assert _calls(case) == [case["minimum_calls"]] * RUNS, (name, cache, case["stripe_calls"])


def test_the_warm_dashboard_is_measured_by_deployment_with_the_ratios(report: dict[str, Any]) -> None:
    deployment = report["deployment"]
    variants = {variant["name"]: variant for variant in deployment["variants"]}
    assert list(variants) == ["metrics off", "metrics on", "tracing on", "1 worker", "2 workers"]
    for variant in variants.values():
        if variant["note"].startswith("skipped: no Redis"):
            assert variant["name"].endswith(("worker", "workers"))
            continue
        assert variant["note"] == "", variant["note"]
        assert len(variant["ops_per_second_rounds"]) == 3
        assert variant["ops_per_second_median"] > 0
        assert variant["latency_p50_ms"] > 0
    assert set(deployment["ratios"]) == {"two_workers_over_one", "metrics_on_over_off", "tracing_on_over_off"}
    assert deployment["ratios"]["tracing_on_over_off"] > 0
    # A warm dashboard records its HTTP request, its GraphQL operation and its cache lookups.
    assert deployment["metrics_per_warm_dashboard"]["recordings"] >= 4
    assert deployment["metrics_per_warm_dashboard"]["microseconds"] > 0


def test_starting_a_cancellation_reads_what_cancelling_reads_in_one_round_trip(cases: Cases) -> None:
    start, cancel = cases["portalql", "cancel_start", "cold"], cases["portalql", "cancel", "cold"]

    assert _calls(start) == [start["minimum_calls"]] * RUNS
    assert start["stripe_calls"]["by_endpoint"] == cancel["stripe_calls"]["by_endpoint"]
    assert _calls(cases["portalql", "cancel_start", "warm"]) == [0] * RUNS


def test_the_warm_dashboard_as_a_trusted_document_executed_and_the_floor_are_measured_without_stripe(
    report: dict[str, Any], cases: Cases
) -> None:
    trusted, floor = cases["portalql", "dashboard", "trusted"], cases["floor", "dashboard", "none"]
    executed = cases["portalql", "dashboard", "executed"]

    assert _calls(trusted) == _calls(executed) == _calls(floor) == [0] * RUNS
    for case in (trusted, executed, floor):
        assert case["throughput"]["errors"] == 0
        assert case["throughput"]["completed"] > 0
        assert case["throughput"]["stripe_calls_per_operation"] == 0
    assert set(report["dashboard_throughput_over_floor"]) == {
        "warm_over_floor",
        "trusted_over_floor",
        "executed_over_floor",
        "trusted_over_warm",
        "warm_over_executed",
    }
    assert all(ratio > 0 for ratio in report["dashboard_throughput_over_floor"].values())


def test_the_live_updates_benchmark_hears_every_change_on_every_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    live.main(["--changes", "2", "--latency-ms", "0"])

    lines = capsys.readouterr().out.splitlines()[1:]
    paths = [line[:30].strip() for line in lines]
    # Without Redis in reach a change cannot cross instances, and that row is left out.
    assert paths in (
        ["portalql, same instance", "portalql, other instance", "Stripe (webhook)"],
        ["portalql, same instance", "Stripe (webhook)"],
    )
    assert [line[30:].split()[0] for line in lines] == ["2"] * len(paths)
