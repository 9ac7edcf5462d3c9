"""The operator's documents name only what exists: every metric the example alerts use is one the service
exports, and the systemd unit runs the command the README describes."""

from __future__ import annotations

import re

from prometheus_client import REGISTRY

import portalql.observability.metrics
import stripe_gateway.metrics
from tests.fixtures.schema_sdl import ROOT

ALERTS = (ROOT / "docs" / "alerts.yml").read_text()
UNIT = (ROOT / "deploy" / "portalql.service").read_text()


def test_the_example_alerts_use_exported_metrics_only() -> None:
    assert portalql.observability.metrics.HTTP_REQUESTS is not None
    assert stripe_gateway.metrics.STRIPE_REQUESTS is not None
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}
    exported = {
        family.name + suffix for family in REGISTRY.collect() for suffix in suffixes.get(family.type, ("",))
    }
    used = set(re.findall(r"\bportalql_[a-z_]+", ALERTS))
    assert len(used) >= 8
    assert used <= exported, used - exported
    for alert in ("PortalqlStripeErrors", "PortalqlWebhookLag", "PortalqlPortalLinksRefused"):
        assert f"alert: {alert}" in ALERTS


def test_the_systemd_unit_serves_several_workers_in_production() -> None:
    [command] = re.findall(r"^ExecStart=(.*)$", UNIT, flags=re.MULTILINE)
    assert re.fullmatch(
        r"\S+/\.venv/bin/portalql serve --host 127\.0\.0\.1 --port \d+ --workers \d+", command
    )
    assert "Environment=PORTALQL_ENV=production" in UNIT
    assert "EnvironmentFile=/etc/portalql/portalql.env" in UNIT
