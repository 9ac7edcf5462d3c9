"""The `portalql` command: serve the API, run the Stripe sandbox, migrate the database, manage API keys and
trusted documents."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import ValidationError

from portalql.persistence.db import Database
from portalql.persistence.repositories.api_keys import create_api_key, list_api_keys, revoke_api_key
from portalql.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from portalql.cli.documents import ManifestDocument

T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        parser.exit(2, f"portalql: invalid settings\n{error}\n")
    command: Callable[[Settings, argparse.Namespace], int] = args.command
    return command(settings, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portalql", description="A GraphQL billing API for Stripe.")
    commands = parser.add_subparsers(title="commands", required=True)

    serve = commands.add_parser("serve", help="serve the API (with a demo sandbox when no Stripe key is set)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="worker processes sharing the port (several need REDIS_URL: see the README, In production)",
    )
    serve.set_defaults(command=_serve)

    sandbox = commands.add_parser("sandbox", help="run the Stripe-compatible sandbox on its own")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, help="default: PORTALQL_SANDBOX_PORT or 12111")
    sandbox.add_argument("--seed", choices=["demo", "empty"], default="demo")
    sandbox.add_argument("--latency-ms", type=int, help="delay added to every call")
    sandbox.set_defaults(command=_sandbox)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(command=_migrate)

    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(title="keys", required=True)
    create = keys.add_parser("create", help="mint an API key and print it, once")
    create.add_argument("--name", required=True, help="who the key is for, shown in listings and audit")
    create.add_argument("--live", action="store_true", help="a live-mode key (pq_live_…), not test mode")
    create.set_defaults(command=_create_key)
    keys.add_parser("list", help="list API keys (never their secrets)").set_defaults(command=_list_keys)
    revoke = keys.add_parser("revoke", help="revoke an API key")
    revoke.add_argument("key_id", help="the key's id (pqkey_…), as listed")
    revoke.set_defaults(command=_revoke_key)

    webhooks = commands.add_parser("webhooks", help="Stripe's webhook events").add_subparsers(
        title="webhooks", required=True
    )
    replay = webhooks.add_parser(
        "replay", help="fetch Stripe's events since a time and process those not processed yet"
    )
    replay.add_argument(
        "--since", required=True, type=_since, help="how far back: 30m, 2h, 7d, or an ISO-8601 time"
    )
    replay.set_defaults(command=_replay_webhooks)

    external = commands.add_parser("external-ids", help="the product's own ids for customers").add_subparsers(
        title="external-ids", required=True
    )
    external.add_parser(
        "rebuild", help="map the external ids held in Stripe's customer metadata (after a database loss)"
    ).set_defaults(command=_rebuild_external_ids)
    documents = commands.add_parser(
        "documents", help="trusted documents: the operations a client may name by hash"
    ).add_subparsers(title="documents", required=True)
    load = documents.add_parser("load", help="trust a client's documents, from its manifest")
    load.add_argument(
        "manifest", type=Path, help="persisted-documents.json (GraphQL Code Generator) or Apollo's"
    )
    load.set_defaults(command=_load_documents)
    check = documents.add_parser(
        "check", help="whether a manifest's documents run against this schema and are all loaded"
    )
    check.add_argument("manifest", type=Path)
    check.set_defaults(command=_check_documents)
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from portalql.cli.serve import run  # noqa: PLC0415 - only this command needs the web stack

    run(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number")
    return int(value)


def _sandbox(settings: Settings, args: argparse.Namespace) -> int:
    from stripe_sandbox.server import run  # noqa: PLC0415 - only this command needs the sandbox

    run(
        host=args.host,
        port=settings.sandbox_port if args.port is None else args.port,
        seed=args.seed,
        latency_ms=settings.sandbox_latency_ms if args.latency_ms is None else args.latency_ms,
    )
    return 0


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    asyncio.run(_migrate_database(settings))
    sys.stderr.write("Database schema is up to date.\n")
    return 0


def _create_key(settings: Settings, args: argparse.Namespace) -> int:
    created = asyncio.run(
        _in_migrated_database(settings, lambda db: create_api_key(db, name=args.name, livemode=args.live))
    )
    # The key alone on stdout, so that `KEY=$(portalql keys create …)` works.
    sys.stdout.write(f"{created.token}\n")
    sys.stderr.write(f"Created API key {created.key.id} ({created.key.prefix}…). It is not shown again.\n")
    return 0


def _list_keys(settings: Settings, _args: argparse.Namespace) -> int:
    keys = asyncio.run(_in_migrated_database(settings, list_api_keys))
    for key in keys:
        status = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        last_used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
        sys.stdout.write(f"{key.id}\t{key.prefix}…\t{key.name}\t{status}\tlast used {last_used}\n")
    return 0


def _revoke_key(settings: Settings, args: argparse.Namespace) -> int:
    revoked = asyncio.run(_in_migrated_database(settings, lambda db: revoke_api_key(db, args.key_id)))
    if not revoked:
        sys.stderr.write(f"portalql: no active API key {args.key_id}\n")
        return 1
    sys.stderr.write(f"Revoked API key {args.key_id}.\n")
    return 0


def _read_documents(path: Path, settings: Settings) -> list[ManifestDocument] | None:
    from portalql.cli import documents  # noqa: PLC0415 - only these commands need the schema

    try:
        manifest = documents.read_manifest(path)
    except (OSError, documents.ManifestError) as error:
        sys.stderr.write(f"portalql: {error}\n")
        return None
    problems = documents.problems(settings, manifest)
    for problem in problems:
        sys.stderr.write(f"portalql: {problem}\n")
    return None if problems else manifest


def _load_documents(settings: Settings, args: argparse.Namespace) -> int:
    from portalql.cli import documents  # noqa: PLC0415 - only these commands need the schema

    manifest = _read_documents(args.manifest, settings)
    if manifest is None:
        sys.stderr.write("No document was loaded.\n")
        return 1
    added = asyncio.run(_in_migrated_database(settings, lambda db: documents.load(db, manifest)))
    sys.stderr.write(
        f"{len(manifest)} documents in {args.manifest}: {added} loaded now, {len(manifest) - added} already "
        "trusted. Running servers learn the new ones when first named.\n"
    )
    return 0


def _check_documents(settings: Settings, args: argparse.Namespace) -> int:
    from portalql.cli import documents  # noqa: PLC0415 - only these commands need the schema

    manifest = _read_documents(args.manifest, settings)
    if manifest is None:
        return 1
    missing = asyncio.run(_in_migrated_database(settings, lambda db: documents.missing(db, manifest)))
    for document in missing:
        sys.stderr.write(f"not loaded: {document.document_id} {document.operation_name or ''}\n")
    sys.stderr.write(
        f"{len(manifest)} documents in {args.manifest} run against this schema; "
        f"{len(manifest) - len(missing)} are loaded, {len(missing)} are not.\n"
    )
    return 1 if missing else 0


def _since(value: str) -> datetime:
    from portalql.webhooks.replay import parse_since  # noqa: PLC0415 - only this command needs the webhook stack

    try:
        return parse_since(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _replay_webhooks(settings: Settings, args: argparse.Namespace) -> int:
    from portalql.webhooks.replay import replay  # noqa: PLC0415 - only this command needs the webhook stack

    if settings.stripe_api_key is None:
        sys.stderr.write("portalql: STRIPE_API_KEY is not set; replay reads the events of a Stripe account\n")
        return 1
    report = asyncio.run(replay(settings, since=args.since))
    sys.stderr.write(
        f"{report.fetched} events since {args.since.isoformat()}: {report.processed} processed now, "
        f"{report.fetched - report.processed} already processed or not acted on.\n"
    )
    if settings.redis_url is None:
        sys.stderr.write("Without REDIS_URL, running servers keep their cached reads until these expire.\n")
    return 0


def _rebuild_external_ids(settings: Settings, _args: argparse.Namespace) -> int:
    from portalql.cli.external_ids import rebuild  # noqa: PLC0415 - only this command needs the gateway

    if settings.stripe_api_key is None:
        sys.stderr.write("portalql: STRIPE_API_KEY is not set; the ids are read from a Stripe account\n")
        return 1
    report = asyncio.run(rebuild(settings))
    sys.stderr.write(f"{report.customers} customers read, {report.linked} external ids mapped anew.\n")
    for external_id, customer_id, holder in report.conflicts:
        sys.stderr.write(f"conflict: {external_id!r} is on {customer_id} in Stripe but mapped to {holder}\n")
    for customer_id in report.invalid:
        sys.stderr.write(f"skipped: {customer_id} holds an external id that breaks the rule\n")
    return 1 if report.conflicts else 0


async def _migrate_database(settings: Settings) -> None:
    database = Database(settings.database_url)
    try:
        await database.migrate()
    finally:
        await database.dispose()


async def _in_migrated_database(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    database = Database(settings.database_url)
    try:
        await database.migrate()
        async with database.session() as db:
            return await work(db)
    finally:
        await database.dispose()
