from __future__ import annotations

import asyncio
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from portalql.cli.main import main
from portalql.persistence.db import Database
from portalql.persistence.repositories.api_keys import authenticate_api_key
from portalql.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from portalql.persistence.credentials import ApiKeyPrincipal


@pytest.fixture
def database_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli' / 'portalql.db'}"
    monkeypatch.chdir(tmp_path)
    for name in ("PORTALQL_ENV", "PORTALQL_SANDBOX_PORT", "PORTALQL_SANDBOX_LATENCY_MS", "STRIPE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _authenticate(url: str, token: str) -> ApiKeyPrincipal | None:
    async def authenticate() -> ApiKeyPrincipal | None:
        database = Database(url)
        try:
            async with database.session() as db:
                return await authenticate_api_key(db, token)
        finally:
            await database.dispose()

    return asyncio.run(authenticate())


def _fake_module(monkeypatch: pytest.MonkeyPatch, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    module = ModuleType(name)
    module.run = lambda *args, **kwargs: calls.append((args, kwargs))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, name, module)
    return calls


def test_keys_create_prints_only_the_key_and_the_key_works(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = main(["keys", "create", "--name", "backend", "--live"])

    out, err = capsys.readouterr()
    token = out.strip()
    assert exit_code == 0
    assert out == f"{token}\n"
    assert token.startswith("pq_live_")
    assert "not shown again" in err
    assert token not in err
    principal = _authenticate(database_url, token)
    assert principal is not None
    assert (principal.name, principal.livemode) == ("backend", True)


def test_keys_list_shows_prefixes_never_secrets(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["keys", "create", "--name", "backend"])
    token = capsys.readouterr().out.strip()

    exit_code = main(["keys", "list"])

    out = capsys.readouterr().out
    assert exit_code == 0
    assert token[:12] in out
    assert token not in out
    assert "backend" in out
    assert "active" in out


def test_keys_revoke_stops_the_key_and_reports_an_unknown_one(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["keys", "create", "--name", "backend"])
    token = capsys.readouterr().out.strip()
    main(["keys", "list"])
    key_id = capsys.readouterr().out.split("\t")[0]

    first = main(["keys", "revoke", key_id])
    second = main(["keys", "revoke", key_id])

    assert (first, second) == (0, 1)
    assert f"no active API key {key_id}" in capsys.readouterr().err
    assert _authenticate(database_url, token) is None


def test_migrate_creates_the_database(database_url: str, tmp_path: Path) -> None:
    exit_code = main(["migrate"])

    assert exit_code == 0
    assert (tmp_path / "cli" / "portalql.db").is_file()


def test_sandbox_runs_with_the_given_options(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    calls = _fake_module(monkeypatch, "stripe_sandbox.server")

    main(["sandbox", "--host", "0.0.0.0", "--port", "9999", "--seed", "empty", "--latency-ms", "50"])  # noqa: S104

    assert calls == [((), {"host": "0.0.0.0", "port": 9999, "seed": "empty", "latency_ms": 50})]  # noqa: S104


def test_sandbox_defaults_come_from_settings(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    calls = _fake_module(monkeypatch, "stripe_sandbox.server")
    monkeypatch.setenv("PORTALQL_SANDBOX_PORT", "12999")
    monkeypatch.setenv("PORTALQL_SANDBOX_LATENCY_MS", "20")

    main(["sandbox"])

    assert calls == [((), {"host": "127.0.0.1", "port": 12999, "seed": "demo", "latency_ms": 20})]


def test_serve_hands_the_settings_to_the_server(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    calls = _fake_module(monkeypatch, "portalql.cli.serve")

    main(["serve", "--port", "8081", "--workers", "3"])

    [(args, kwargs)] = calls
    assert isinstance(args[0], Settings)
    assert args[0].database_url == database_url
    assert kwargs == {"host": "127.0.0.1", "port": 8081, "workers": 3}


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_serve_refuses_a_worker_count_that_is_not_positive(
    monkeypatch: pytest.MonkeyPatch, database_url: str, workers: str
) -> None:
    calls = _fake_module(monkeypatch, "portalql.cli.serve")

    with pytest.raises(SystemExit) as refused:
        main(["serve", "--workers", workers])

    assert refused.value.code == 2
    assert calls == []


def test_invalid_settings_exit_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORTALQL_ENV", "production")

    with pytest.raises(SystemExit) as exited:
        main(["keys", "list"])

    assert exited.value.code == 2
    assert "refusing to run in production" in capsys.readouterr().err
