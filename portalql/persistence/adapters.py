"""The resolvers' persistence ports (`resolvers.ports`) on the service's database: one short transaction per
call, except a refund's charge lock, which spans the refund."""

from __future__ import annotations

import base64
import secrets
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

from portalql.observability.metrics import CUSTOMER_SESSIONS, PORTAL_LINKS
from portalql.persistence.credentials import DEFAULT_PORTAL_SCOPES
from portalql.persistence.models import EventDelivery as EventDeliveryRow
from portalql.persistence.models import EventEndpoint as EventEndpointRow
from portalql.persistence.models import ExpectedAudit, utcnow
from portalql.persistence.models import RefundRequest as RefundRequestRow
from portalql.persistence.repositories.analytics import (
    count_actions,
    count_customer_sessions,
    count_links_redeemed,
)
from portalql.persistence.repositories.audit import AuditCursor, list_audit_events, record_audit_event
from portalql.persistence.repositories.event_deliveries import (
    all_event_endpoints,
    create_event_endpoint,
    disable_event_endpoint,
    enabled_event_endpoints,
    recent_deliveries,
    redeliver,
)
from portalql.persistence.repositories.expected_audits import (
    confirm_expected_audits,
    confirm_expected_audits_asking,
    drop_expected_audits,
    expect_audit_event,
)
from portalql.persistence.repositories.external_ids import customer_of, external_ids_of, link_external_id
from portalql.persistence.repositories.invoice_requests import (
    claim_invoice_request,
    record_invoice,
    record_sent,
)
from portalql.persistence.repositories.refund_requests import (
    find_refund_request,
    lock_charge,
    record_refund_request,
)
from portalql.persistence.repositories.session_admin import revoke_matching_session
from portalql.persistence.repositories.sessions import create_customer_session, create_portal_link
from resolvers.ports import (
    AuditRecord,
    AuditRecordPage,
    EventDelivery,
    EventDeliveryStatus,
    EventEndpoint,
    InvoiceProgress,
    IssuedCustomerSession,
    PortalActivity,
    PortalLink,
    PrincipalType,
    RefundRequest,
    RegisteredEventEndpoint,
    RevokedSession,
    Stores,
)
from resolvers.principals import ApiKeyPrincipal
from stripe_gateway.params import caller_key_digest

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Collection, Mapping
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from portalql.persistence.db import Database
    from portalql.persistence.models import AuditEvent
    from portalql.settings import Settings
    from portalql.web.auth import RecentCredentials
    from resolvers.ports import AuditEntry, ExpectedWrite, ExternalIdLink
    from resolvers.principals import Scope
    from stripe_gateway.records import PortalFlow


def database_stores(
    database: Database, settings: Settings, *, recent_credentials: RecentCredentials | None = None
) -> Stores:
    sessions = DatabaseSessionStore(
        database,
        portal_link_ttl=timedelta(seconds=settings.portal_link_ttl_seconds),
        customer_session_ttl=timedelta(seconds=settings.customer_session_ttl_seconds),
        recent_credentials=recent_credentials,
    )
    return Stores(
        audit=DatabaseAuditLog(database),
        sessions=sessions,
        refunds=DatabaseRefundLedger(database),
        event_endpoints=DatabaseEventEndpoints(database),
        external_ids=DatabaseExternalIds(database),
        invoices=DatabaseInvoiceRequests(database),
        analytics=DatabaseAnalytics(database),
    )


# -- audit trail --------------------------------------------------------------------------------------------


def _json(document: Mapping[str, object] | None) -> dict[str, object] | None:
    return None if document is None else dict(document)


def _principal(entry: AuditEntry) -> tuple[PrincipalType, str]:
    principal = entry.principal
    if isinstance(principal, ApiKeyPrincipal):
        return PrincipalType.API_KEY, principal.key_id
    return PrincipalType.CUSTOMER_SESSION, principal.session_id


def _audit_record(event: AuditEvent) -> AuditRecord:
    return AuditRecord(
        id=event.id,
        occurred_at=event.occurred_at,
        principal_type=event.principal_type,
        principal_id=event.principal_id,
        customer_id=event.customer_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        before=event.before,
        after=event.after,
        request_id=event.request_id,
        client_ip=event.client_ip,
        source=event.source,
        cursor=AuditCursor(event.occurred_at, event.id).encode(),
    )


async def _record(db: AsyncSession, entry: AuditEntry, *, write_key: str | None) -> None:
    """One audit row, in the caller's transaction; `write_key` is the idempotency key of the write audited."""
    principal_type, principal_id = _principal(entry)
    await record_audit_event(
        db,
        principal_type=principal_type,
        principal_id=principal_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        customer_id=entry.customer_id,
        before=_json(entry.before),
        after=_json(entry.after),
        request_id=entry.request_id,
        client_ip=entry.client_ip,
        write_key=None if write_key is None else caller_key_digest(write_key),
    )


class DatabaseAuditLog:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def record(self, entry: AuditEntry, *, write_key: str | None = None) -> None:
        async with self._database.session() as db:
            await _record(db, entry, write_key=write_key)

    async def expect(self, write: ExpectedWrite) -> None:
        entry = write.entry
        principal_type, principal_id = _principal(entry)
        async with self._database.session() as db:
            await expect_audit_event(
                db,
                ExpectedAudit(
                    write_key=caller_key_digest(write.key),
                    target=write.target,
                    created_at=utcnow(),
                    principal_type=principal_type,
                    principal_id=principal_id,
                    customer_id=entry.customer_id,
                    action=entry.action,
                    object_type=entry.object_type,
                    object_id=entry.object_id,
                    before=_json(entry.before),
                    after=_json(entry.after),
                    request_id=entry.request_id,
                    client_ip=entry.client_ip,
                ),
            )

    async def took_effect(self, key: str, *, after: Mapping[str, object] | None) -> None:
        async with self._database.session() as db:
            await confirm_expected_audits(db, [caller_key_digest(key)], after=_json(after))

    async def already_done(
        self, *, object_id: str, action: str, target: str, after: Mapping[str, object] | None
    ) -> None:
        async with self._database.session() as db:
            await confirm_expected_audits_asking(
                db, object_id=object_id, action=action, target=target, after=_json(after)
            )

    async def refused(self, key: str) -> None:
        async with self._database.session() as db:
            await drop_expected_audits(db, [caller_key_digest(key)])

    async def page(self, *, customer_id: str | None, limit: int, after: str | None) -> AuditRecordPage:
        cursor = None if after is None else AuditCursor.decode(after)
        async with self._database.session() as db:
            page = await list_audit_events(db, customer_id=customer_id, limit=limit, after=cursor)
        return AuditRecordPage(
            records=tuple(_audit_record(event) for event in page.events),
            has_more=page.next_cursor is not None,
        )


# -- sessions -----------------------------------------------------------------------------------------------


class DatabaseSessionStore:
    def __init__(
        self,
        database: Database,
        *,
        portal_link_ttl: timedelta,
        customer_session_ttl: timedelta,
        recent_credentials: RecentCredentials | None = None,
    ) -> None:
        self._database = database
        self._portal_link_ttl = portal_link_ttl
        self._customer_session_ttl = customer_session_ttl
        self._recent_credentials = recent_credentials

    async def create_portal_link(
        self,
        *,
        customer_id: str,
        return_url: str,
        configuration_id: str | None,
        flow: PortalFlow | None,
        locale: str | None,
        created_by_api_key_id: str,
    ) -> PortalLink:
        async with self._database.session() as db:
            created = await create_portal_link(
                db,
                customer_id=customer_id,
                return_url=return_url,
                ttl=self._portal_link_ttl,
                created_by_api_key_id=created_by_api_key_id,
                configuration_id=configuration_id,
                flow=flow,
                locale=locale,
            )
        PORTAL_LINKS.labels("created").inc()
        row = created.link
        return PortalLink(id=row.id, code=created.code, expires_at=row.expires_at)

    async def create_customer_session(
        self,
        *,
        customer_id: str,
        scopes: frozenset[Scope] | None,
        ttl_seconds: int | None,
        configuration_id: str | None,
        created_by_api_key_id: str,
    ) -> IssuedCustomerSession:
        ttl = self._customer_session_ttl if ttl_seconds is None else timedelta(seconds=ttl_seconds)
        async with self._database.session() as db:
            created = await create_customer_session(
                db,
                customer_id=customer_id,
                ttl=ttl,
                scopes=DEFAULT_PORTAL_SCOPES if scopes is None else scopes,
                configuration_id=configuration_id,
                created_by_api_key_id=created_by_api_key_id,
            )
        CUSTOMER_SESSIONS.labels("created").inc()
        return IssuedCustomerSession(token=created.token, principal=created.principal)

    async def revoke_customer_session(
        self, *, session_id: str | None, token: str | None, customer_id: str | None
    ) -> RevokedSession | None:
        async with self._database.session() as db:
            revoked = await revoke_matching_session(
                db, session_id=session_id, token=token, customer_id=customer_id
            )
        if revoked is None:
            return None
        if self._recent_credentials is not None:
            # The revoked token must not outlive its revocation here, nor in the other processes.
            await self._recent_credentials.revoked()
        return RevokedSession(
            id=revoked.session_id, customer_id=revoked.customer_id, newly_revoked=revoked.newly_revoked
        )


# -- refund requests ----------------------------------------------------------------------------------------


def _refund_request(row: RefundRequestRow | None) -> RefundRequest | None:
    if row is None:
        return None
    return RefundRequest(
        idempotency_key=row.idempotency_key,
        target_id=row.target_id,
        requested_amount=row.requested_amount,
        reason=row.reason,
        charge_id=row.charge_id,
        refund_id=row.refund_id,
        refunded_amount=row.refunded_amount,
        currency=row.currency,
    )


class _LockedCharge:
    """The refund requests of a locked charge, in the transaction holding its lock."""

    def __init__(self, db: AsyncSession) -> None:
        self._db = db

    async def find(self, idempotency_key: str) -> RefundRequest | None:
        return _refund_request(await find_refund_request(self._db, idempotency_key))

    async def record(self, request: RefundRequest, *, audit: AuditEntry) -> None:
        await _record(self._db, audit, write_key=request.idempotency_key)
        await record_refund_request(
            self._db,
            RefundRequestRow(
                idempotency_key=request.idempotency_key,
                target_id=request.target_id,
                requested_amount=request.requested_amount,
                reason=request.reason,
                charge_id=request.charge_id,
                refund_id=request.refund_id,
                refunded_amount=request.refunded_amount,
                currency=request.currency,
            ),
        )


class DatabaseRefundLedger:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def find(self, idempotency_key: str) -> RefundRequest | None:
        async with self._database.session() as db:
            return _refund_request(await find_refund_request(db, idempotency_key))

    @asynccontextmanager
    async def lock_charge(self, charge_id: str) -> AsyncIterator[_LockedCharge]:
        # One transaction from the lock to the record: committing it records the refund and frees the charge.
        async with self._database.session() as db:
            await lock_charge(db, charge_id)
            yield _LockedCharge(db)


# -- event endpoints ----------------------------------------------------------------------------------------


def _event_endpoint(row: EventEndpointRow) -> EventEndpoint:
    return EventEndpoint(
        id=row.id,
        url=row.url,
        description=row.description,
        event_types=tuple(row.event_types),
        created_at=row.created_at,
        disabled_at=row.disabled_at,
    )


def _delivery_status(row: EventDeliveryRow) -> EventDeliveryStatus:
    if row.delivered_at is not None:
        return EventDeliveryStatus.DELIVERED
    return EventDeliveryStatus.PENDING if row.next_attempt_at is not None else EventDeliveryStatus.FAILED


def new_event_secret() -> str:
    # The Standard Webhooks form: `whsec_` and the base64 of 24 to 64 random bytes.
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class DatabaseEventEndpoints:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def register(
        self, *, url: str, description: str | None, event_types: tuple[str, ...], created_by_api_key_id: str
    ) -> RegisteredEventEndpoint:
        async with self._database.session() as db:
            for row in await enabled_event_endpoints(db):
                if row.url == url:
                    return RegisteredEventEndpoint(_event_endpoint(row), row.secret, new=False)
            row = await create_event_endpoint(
                db,
                url=url,
                description=description,
                event_types=list(event_types),
                secret=new_event_secret(),
                created_by_api_key_id=created_by_api_key_id,
            )
            return RegisteredEventEndpoint(_event_endpoint(row), row.secret, new=True)

    async def endpoints(self) -> tuple[EventEndpoint, ...]:
        async with self._database.session() as db:
            rows = await all_event_endpoints(db)
        return tuple(_event_endpoint(row) for row in rows)

    async def count_enabled(self) -> int:
        async with self._database.session() as db:
            return len(await enabled_event_endpoints(db))

    async def disable(self, endpoint_id: str) -> EventEndpoint | None:
        async with self._database.session() as db:
            row = await disable_event_endpoint(db, endpoint_id)
            return None if row is None else _event_endpoint(row)

    async def deliveries(self, endpoint_id: str, *, limit: int) -> tuple[EventDelivery, ...]:
        async with self._database.session() as db:
            rows = await recent_deliveries(db, endpoint_id, limit=limit)
        return tuple(
            EventDelivery(
                audit_event_id=event.id,
                event_type=event.action,
                status=_delivery_status(delivery),
                attempts=delivery.attempts,
                last_status=delivery.last_status,
                last_error=delivery.last_error,
                next_attempt_at=delivery.next_attempt_at,
                delivered_at=delivery.delivered_at,
            )
            for delivery, event in rows
        )

    async def redeliver(
        self, endpoint_id: str, *, since: datetime, only_failed: bool, limit: int
    ) -> tuple[int, bool]:
        async with self._database.session() as db:
            return await redeliver(
                db, endpoint_id, since=since, only_failed=only_failed, limit=limit, now=utcnow()
            )


# -- external customer ids ----------------------------------------------------------------------------------


class DatabaseExternalIds:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def customer_of(self, external_id: str) -> str | None:
        async with self._database.session() as db:
            return await customer_of(db, external_id)

    async def of_customers(self, customer_ids: Collection[str]) -> Mapping[str, str]:
        async with self._database.session() as db:
            return await external_ids_of(db, customer_ids)

    async def link(self, external_id: str, customer_id: str) -> ExternalIdLink:
        async with self._database.session() as db:
            return await link_external_id(db, external_id, customer_id)


# -- one-off invoices ---------------------------------------------------------------------------------------


class DatabaseInvoiceRequests:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def claim(self, idempotency_key: str, *, request_digest: str, customer_id: str) -> InvoiceProgress:
        async with self._database.session() as db:
            row = await claim_invoice_request(
                db, idempotency_key, request_digest=request_digest, customer_id=customer_id
            )
            return InvoiceProgress(
                idempotency_key=row.idempotency_key,
                request_digest=row.request_digest,
                customer_id=row.customer_id,
                invoice_id=row.invoice_id,
                sent=row.sent_at is not None,
            )

    async def invoice_made(self, idempotency_key: str, invoice_id: str) -> None:
        async with self._database.session() as db:
            await record_invoice(db, idempotency_key, invoice_id)

    async def invoice_sent(self, idempotency_key: str) -> None:
        async with self._database.session() as db:
            await record_sent(db, idempotency_key)


# -- portal analytics ---------------------------------------------------------------------------------------


class DatabaseAnalytics:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def activity(self, *, since: datetime, until: datetime, actions: Collection[str]) -> PortalActivity:
        async with self._database.session() as db:
            return PortalActivity(
                actions=await count_actions(db, since=since, until=until, actions=actions),
                links_redeemed=await count_links_redeemed(db, since=since, until=until),
                customer_sessions=await count_customer_sessions(db, since=since, until=until),
            )
