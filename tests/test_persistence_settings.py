from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from pydantic import ValidationError

from portalql.settings import Settings, normalise_database_url

if TYPE_CHECKING:
    from pathlib import Path

_ENV_VARS = [
    "PORTALQL_ENV",
    "DATABASE_URL",
    "STRIPE_API_KEY",
    "STRIPE_API_BASE",
    "STRIPE_WEBHOOK_SECRET",
    "REDIS_URL",
    "PORTALQL_PUBLIC_URL",
]
POSTGRES = "postgresql://portalql:secret@db.internal:5432/portalql"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    # Keeps a developer's own `.env` out of the tests.
    monkeypatch.chdir(tmp_path)


def test_defaults_are_the_embedded_development_setup(tmp_path: Path) -> None:
    settings = Settings()

    assert settings.environment == "development"
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'portalql.db'}"
    assert settings.stripe_api_key is None
    assert settings.stripe_max_network_retries == 2
    assert settings.stripe_requests_per_second == 25
    assert settings.public_url == "http://127.0.0.1:8000"
    assert (settings.portal_link_ttl_seconds, settings.customer_session_ttl_seconds) == (900, 3600)
    assert (settings.sandbox_port, settings.sandbox_latency_ms) == (12111, 0)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (POSTGRES, "postgresql+asyncpg://portalql:secret@db.internal:5432/portalql"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///data/portalql.db", "sqlite+aiosqlite:///data/portalql.db"),
    ],
)
def test_database_url_is_given_its_async_driver(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected
    assert Settings(database_url=given).database_url == expected


def test_values_come_from_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_123")
    monkeypatch.setenv("PORTALQL_PUBLIC_URL", "https://billing.example.com")
    monkeypatch.setenv("PORTALQL_PORTAL_LINK_TTL_SECONDS", "60")

    settings = Settings()

    assert settings.database_url == "postgresql+asyncpg://u@h/db"
    assert settings.stripe_api_key is not None
    assert settings.stripe_api_key.get_secret_value() == "sk_test_123"
    assert settings.public_url == "https://billing.example.com"
    assert settings.portal_link_ttl_seconds == 60


def test_values_come_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "STRIPE_API_BASE=http://127.0.0.1:12111\nREDIS_URL=redis://127.0.0.1:6379/0\n"
    )

    settings = Settings()

    assert settings.stripe_api_base == "http://127.0.0.1:12111"
    assert settings.redis_url == "redis://127.0.0.1:6379/0"


def test_secrets_do_not_appear_in_the_repr() -> None:
    settings = Settings(
        database_url=POSTGRES, stripe_api_key="sk_live_abc", stripe_webhook_secret="whsec_abc"
    )

    shown = repr(settings)

    assert "sk_live_abc" not in shown
    assert "whsec_abc" not in shown
    assert "secret@" not in shown


def test_production_starts_with_stripe_credentials_and_postgresql() -> None:
    settings = Settings(
        environment="production",
        database_url=POSTGRES,
        stripe_api_key="sk_live_abc",
        stripe_webhook_secret="whsec_abc",
        stripe_publishable_key="pk_live_abc",
    )

    assert settings.environment == "production"


def test_production_without_card_collection_needs_no_publishable_key() -> None:
    settings = Settings(
        environment="production",
        database_url=POSTGRES,
        stripe_api_key="sk_live_abc",
        stripe_webhook_secret="whsec_abc",
        payment_method_updates=False,
    )

    assert settings.stripe_publishable_key is None


def test_a_secret_key_is_not_taken_for_the_publishable_key() -> None:
    with pytest.raises(ValidationError, match="publishable key"):
        Settings(stripe_publishable_key="sk_live_abc")


def test_production_refuses_to_start_on_development_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTALQL_ENV", "production")

    with pytest.raises(ValidationError) as refused:
        Settings()

    message = str(refused.value)
    assert "refusing to run in production" in message
    assert "STRIPE_API_KEY is not set" in message
    assert "STRIPE_WEBHOOK_SECRET is not set" in message
    assert "SQLite" in message


@pytest.mark.parametrize(
    ("missing", "overrides"),
    [
        ("STRIPE_API_KEY", {"stripe_api_key": ""}),
        ("STRIPE_WEBHOOK_SECRET", {"stripe_webhook_secret": ""}),
        ("SQLite", {"database_url": "sqlite+aiosqlite:///portalql.db"}),
        ("STRIPE_PUBLISHABLE_KEY", {"stripe_publishable_key": ""}),
    ],
)
def test_production_refuses_each_missing_piece(missing: str, overrides: dict[str, Any]) -> None:
    values: dict[str, Any] = {
        "database_url": POSTGRES,
        "stripe_api_key": "sk_live_abc",
        "stripe_webhook_secret": "whsec_abc",
        "stripe_publishable_key": "pk_live_abc",
    }

    with pytest.raises(ValidationError, match=missing):
        Settings(environment="production", **(values | overrides))


def test_unknown_environment_is_rejected() -> None:
    with pytest.raises(ValidationError, match="environment"):
        Settings(environment="staging")
