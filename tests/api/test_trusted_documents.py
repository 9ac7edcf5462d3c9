"""Trusted documents: named by hash over HTTP, refused when unknown, required of customer sessions when set,
never parsed or validated again once learnt; and `portalql documents` loading and checking manifests."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import schema.validation
from portalql.cli.documents import problems, read_manifest
from portalql.cli.main import main
from portalql.persistence.db import Database
from portalql.persistence.repositories.trusted_documents import store_trusted_documents, stored_document_ids
from portalql.web.app import create_app
from schema.trusted import document_id_of
from tests.fixtures.app import app_settings, client_for, error_codes

if TYPE_CHECKING:
    import httpx
    import pytest

    from stripe_gateway.gateway import StripeGateway
    from tests.fixtures.app import Tokens

CLIENT_MANIFEST = (
    Path(__file__).parents[2] / "clients" / "typescript" / "src" / "gql" / "persisted-documents.json"
)
CARDS = "query Cards { viewer { customer { paymentMethods { id card { last4 } } } } }"
CARDS_ID = document_id_of(CARDS)
UNKNOWN_ID = "0" * 64


async def _trust(database: Database, *texts: str) -> None:
    async with database.session() as db:
        await store_trusted_documents(db, {document_id_of(text): (text, None) for text in texts})


async def _post(client: httpx.AsyncClient, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_a_trusted_document_runs_by_its_id_alone_as_its_text_would(
    api: httpx.AsyncClient, database: Database, tokens: Tokens, customer_a: str
) -> None:
    await _trust(database, CARDS)
    token = await tokens.customer_session(customer_a)

    by_text = await _post(api, {"query": CARDS}, token)
    by_id = await _post(api, {"documentId": f"sha256:{CARDS_ID}"}, token)
    by_bare_id = await _post(api, {"documentId": CARDS_ID}, token)
    by_apq = await _post(
        api, {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": CARDS_ID}}}, token
    )
    by_get = (
        await api.get(
            "/graphql", params={"documentId": CARDS_ID}, headers={"Authorization": f"Bearer {token}"}
        )
    ).json()

    assert by_text["data"]["viewer"]["customer"]["paymentMethods"]
    assert by_id == by_bare_id == by_apq == by_get == by_text


async def test_an_unknown_or_malformed_id_is_refused_with_its_code(
    api: httpx.AsyncClient, tokens: Tokens, customer_a: str
) -> None:
    token = await tokens.customer_session(customer_a)

    unknown = await _post(api, {"documentId": f"sha256:{UNKNOWN_ID}"}, token)
    malformed = await _post(api, {"documentId": "sha256:not-a-hash"}, token)
    unknown_apq = await _post(
        api, {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": UNKNOWN_ID}}}
    )

    for body in (unknown, malformed, unknown_apq):
        assert body["data"] is None
        assert error_codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert UNKNOWN_ID in unknown["errors"][0]["message"]


async def test_an_id_beside_a_text_it_is_not_the_hash_of_is_refused(api: httpx.AsyncClient) -> None:
    body = await _post(api, {"query": "{ __typename }", "documentId": CARDS_ID})

    assert error_codes(body) == ["PERSISTED_QUERY_HASH_MISMATCH"]


async def test_sessions_may_run_only_trusted_documents_when_so_set_and_api_keys_any(
    gateway: StripeGateway, database: Database, tokens: Tokens, customer_a: str
) -> None:
    await _trust(database, CARDS)
    session, api_key = await tokens.customer_session(customer_a), await tokens.api_key()
    own_text = "query Mine { viewer { customer { id } } }"
    app = create_app(app_settings(session_documents="trusted"), gateway=gateway, database=database)
    async with client_for(app) as client:
        trusted_by_id = await _post(client, {"documentId": CARDS_ID}, session)
        trusted_by_text = await _post(client, {"query": CARDS}, session)
        own_by_session = await _post(client, {"query": own_text}, session)
        own_without_credential = await _post(client, {"query": own_text})
        own_by_api_key = await _post(
            client, {"query": "{ customers(first: 1) { edges { node { id } } } }"}, api_key
        )

    assert trusted_by_id["data"]["viewer"]["customer"]["paymentMethods"]
    assert trusted_by_text == trusted_by_id
    assert (
        error_codes(own_by_session) == error_codes(own_without_credential) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    )
    assert own_by_session["data"] is None
    assert "errors" not in own_by_api_key
    assert own_by_api_key["data"]["customers"]["edges"]


async def test_a_learnt_document_is_neither_parsed_nor_validated_again(
    api: httpx.AsyncClient,
    database: Database,
    tokens: Tokens,
    customer_a: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await _trust(database, CARDS)
    token = await tokens.customer_session(customer_a)
    first = await _post(api, {"documentId": CARDS_ID}, token)  # learnt from the database: parsed once here

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a trusted document was parsed or validated again")

    monkeypatch.setattr(schema.validation, "parse", fail)
    monkeypatch.setattr(schema.validation, "validate", fail)
    again = await _post(api, {"documentId": CARDS_ID}, token)
    other = await _post(api, {"query": "{ __typename }"}, token)

    assert again == first
    assert "errors" not in again
    assert error_codes(other) == ["INTERNAL"]  # the patch is in force for any other document


def test_the_typescript_clients_manifest_runs_against_the_schema() -> None:
    documents = read_manifest(CLIENT_MANIFEST)

    assert {d.operation_name for d in documents} >= {
        "Dashboard",
        "InvoicesPage",
        "PreviewPlanChange",
        "ChangePlan",
        "CancelSubscription",
        "Cards",
        "PayInvoice",
    }
    assert problems(app_settings(), documents) == []


def _cli(monkeypatch: pytest.MonkeyPatch, database_url: str, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return main(list(args))


async def test_documents_load_then_check_stores_the_manifest_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    manifest = str(CLIENT_MANIFEST)
    ids = [d.document_id for d in read_manifest(CLIENT_MANIFEST)]

    assert await _in_thread(_cli, monkeypatch, url, "documents", "check", manifest) == 1
    assert f"0 are loaded, {len(ids)} are not" in capsys.readouterr().err
    assert await _in_thread(_cli, monkeypatch, url, "documents", "load", manifest) == 0
    assert f"{len(ids)} loaded now, 0 already trusted" in capsys.readouterr().err
    assert await _in_thread(_cli, monkeypatch, url, "documents", "load", manifest) == 0
    assert f"0 loaded now, {len(ids)} already trusted" in capsys.readouterr().err
    assert await _in_thread(_cli, monkeypatch, url, "documents", "check", manifest) == 0

    database = Database(url)
    try:
        async with database.session() as db:
            assert await stored_document_ids(db, ids) == frozenset(ids)
    finally:
        await database.dispose()


async def test_documents_load_reads_apollos_manifest_and_refuses_a_bad_one_whole(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    unknown_field = "query Broken { viewer { customer { shoeSize } } }"
    apollo = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": CARDS_ID, "name": "Cards", "type": "query", "body": CARDS}],
    }
    good, invalid, mislabelled = (
        tmp_path / "good.json",
        tmp_path / "invalid.json",
        tmp_path / "mislabelled.json",
    )
    good.write_text(json.dumps(apollo))
    invalid.write_text(
        json.dumps({document_id_of(CARDS): CARDS, document_id_of(unknown_field): unknown_field})
    )
    mislabelled.write_text(json.dumps({UNKNOWN_ID: CARDS}))

    assert await _in_thread(_cli, monkeypatch, url, "documents", "load", str(invalid)) == 1
    assert "Broken: Cannot query field 'shoeSize'" in capsys.readouterr().err
    assert await _in_thread(_cli, monkeypatch, url, "documents", "load", str(mislabelled)) == 1
    assert f"{UNKNOWN_ID} is not the SHA-256 of its document" in capsys.readouterr().err
    assert await _in_thread(_cli, monkeypatch, url, "documents", "check", str(good)) == 1  # nothing stored
    assert await _in_thread(_cli, monkeypatch, url, "documents", "load", str(good)) == 0
    assert "1 loaded now" in capsys.readouterr().err


async def _in_thread(function: Any, *args: Any) -> Any:
    # The CLI runs its own event loop, which cannot start inside the test's.
    return await asyncio.to_thread(function, *args)
