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
from portalql.persistence.models import (
    ExpectedAudit,
    RetentionEventRow,
    RetentionGrant,
    RetentionOfferRow,
    utcnow,
)
from portalql.persistence.models import RefundRequest as RefundRequestRow
from portalql.persistence.repositories import retention
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
    CouponTerms,
    EventDelivery,
    EventDeliveryStatus,
    EventEndpoint,
    InvoiceProgress,
    IssuedCustomerSession,
    KeptRevenue,
    OfferCounts,
    OfferGrant,
    OfferKind,
    OfferOutcome,
    OfferScope,
    PauseTerms,
    PortalActivity,
    PortalLink,
    PriceSwitchTerms,
    PrincipalType,
    ReasonComment,
    ReasonCount,
    RefundRequest,
    RegisteredEventEndpoint,
    RetentionEventKind,
    RetentionOffer,
    RetentionReport,
    RevokedSession,
    Stores,
)
from resolvers.principals import ApiKeyPrincipal
from stripe_gateway.params import caller_key_digest
from stripe_gateway.records import CancellationFeedback, CouponDuration, Interval

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Collection, Mapping
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from portalql.persistence.db import Database
    from portalql.persistence.models import AuditEvent
    from portalql.settings import Settings
    from portalql.web.auth import RecentCredentials
    from resolvers.ports import AuditEntry, ExpectedWrite, ExternalIdLink, NewRetentionOffer, RetentionEvent
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
        retention=DatabaseRetentionStore(database),
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


# -- retention ----------------------------------------------------------------------------------------------


def _offer(row: RetentionOfferRow) -> RetentionOffer:
    coupon = pause = price_switch = None
    if row.kind is OfferKind.COUPON and row.coupon_id is not None and row.coupon_duration is not None:
        coupon = CouponTerms(
            percent_off=row.percent_off,
            amount_off=row.amount_off,
            currency=row.currency,
            duration=CouponDuration(row.coupon_duration),
            duration_in_months=row.duration_in_months,
            coupon_id=row.coupon_id,
        )
    elif row.kind is OfferKind.PAUSE and row.pause_interval is not None:
        pause = PauseTerms(Interval(row.pause_interval), row.pause_interval_count or 1)
    elif row.kind is OfferKind.PRICE_SWITCH and row.price_id is not None and row.currency is not None:
        price_switch = PriceSwitchTerms(row.price_id, row.price_unit_amount or 0, row.currency)
    return RetentionOffer(
        id=row.id,
        name=row.name,
        kind=row.kind,
        scope=OfferScope(
            reasons=tuple(CancellationFeedback(reason) for reason in row.reasons),
            product_ids=tuple(row.product_ids),
            configuration_ids=tuple(row.configuration_ids),
        ),
        created_at=row.created_at,
        archived_at=row.archived_at,
        coupon=coupon,
        pause=pause,
        price_switch=price_switch,
    )


def _offer_row(offer: NewRetentionOffer) -> RetentionOfferRow:
    coupon, pause, switch = offer.coupon, offer.pause, offer.price_switch
    return RetentionOfferRow(
        name=offer.name,
        kind=offer.kind,
        reasons=[reason.value for reason in offer.scope.reasons],
        product_ids=list(offer.scope.product_ids),
        configuration_ids=list(offer.scope.configuration_ids),
        coupon_id=coupon.coupon_id if coupon else None,
        percent_off=coupon.percent_off if coupon else None,
        amount_off=coupon.amount_off if coupon else None,
        currency=(coupon.currency if coupon else None) or (switch.currency if switch else None),
        coupon_duration=coupon.duration.value if coupon else None,
        duration_in_months=coupon.duration_in_months if coupon else None,
        pause_interval=pause.interval.value if pause else None,
        pause_interval_count=pause.interval_count if pause else None,
        price_id=switch.price_id if switch else None,
        price_unit_amount=switch.unit_amount if switch else None,
        created_at=utcnow(),
    )


def _grant(row: RetentionGrant) -> OfferGrant:
    return OfferGrant(
        id=row.id,
        offer_id=row.offer_id,
        customer_id=row.customer_id,
        subscription_id=row.subscription_id,
        reason=None if row.reason is None else CancellationFeedback(row.reason),
        outcome=row.outcome,
        shown_at=row.shown_at,
        decided_at=row.decided_at,
        monthly_amount=row.monthly_amount,
        currency=row.currency,
        applied_at=row.applied_at,
    )


def _reason(value: str | None) -> CancellationFeedback | None:
    return None if value is None else CancellationFeedback(value)


class DatabaseRetentionStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def create_offer(self, offer: NewRetentionOffer) -> RetentionOffer:
        row = _offer_row(offer)
        async with self._database.session() as db:
            db.add(row)
            await db.flush()
        return _offer(row)

    async def offers(self, *, include_archived: bool) -> tuple[RetentionOffer, ...]:
        async with self._database.session() as db:
            rows = await retention.list_offers(db, include_archived=include_archived)
        return tuple(_offer(row) for row in rows)

    async def offer(self, offer_id: str) -> RetentionOffer | None:
        async with self._database.session() as db:
            row = await db.get(RetentionOfferRow, offer_id)
        return None if row is None else _offer(row)

    async def archive_offer(self, offer_id: str) -> RetentionOffer | None:
        async with self._database.session() as db:
            row = await retention.archive_offer(db, offer_id)
        return None if row is None else _offer(row)

    async def grants_of(self, customer_id: str) -> tuple[OfferGrant, ...]:
        async with self._database.session() as db:
            rows = await retention.grants_of(db, customer_id)
        return tuple(_grant(row) for row in rows)

    async def grant(
        self,
        *,
        offer_id: str,
        customer_id: str,
        subscription_id: str,
        reason: CancellationFeedback | None,
        monthly_amount: int,
        currency: str,
    ) -> OfferGrant:
        row = RetentionGrant(
            offer_id=offer_id,
            customer_id=customer_id,
            subscription_id=subscription_id,
            reason=None if reason is None else reason.value,
            outcome=OfferOutcome.SHOWN,
            shown_at=utcnow(),
            monthly_amount=monthly_amount,
            currency=currency,
        )
        async with self._database.session() as db:
            return _grant(await retention.insert_grant(db, row))

    async def decide(self, grant_id: int, outcome: OfferOutcome) -> bool:
        async with self._database.session() as db:
            return await retention.decide_grant(
                db, grant_id, from_outcome=OfferOutcome.SHOWN, to_outcome=outcome
            )

    async def applied(self, grant_id: int) -> None:
        async with self._database.session() as db:
            await retention.mark_applied(db, grant_id)

    async def undecide(self, grant_id: int) -> None:
        async with self._database.session() as db:
            await retention.decide_grant(
                db, grant_id, from_outcome=OfferOutcome.ACCEPTED, to_outcome=OfferOutcome.SHOWN
            )

    async def record_event(self, event: RetentionEvent) -> None:
        row = RetentionEventRow(
            event_key=caller_key_digest(event.key),
            kind=event.kind,
            occurred_at=utcnow(),
            customer_id=event.customer_id,
            subscription_id=event.subscription_id,
            reason=None if event.reason is None else event.reason.value,
            comment=event.comment,
        )
        async with self._database.session() as db:
            await retention.insert_event(db, row)

    async def report(self, *, since: datetime, until: datetime, comments: int) -> RetentionReport:
        period = {"since": since, "until": until}
        async with self._database.session() as db:
            reasons = await retention.cancellations_by_reason(db, **period)
            latest = await retention.latest_comments(db, **period, limit=comments)
            counts = await retention.event_counts(db, **period)
            offers = await retention.offer_counts(db, **period)
            kept = await retention.kept_revenue(db, **period)
        return RetentionReport(
            cancellations=tuple(ReasonCount(_reason(reason), count) for reason, count in reasons),
            comments=tuple(ReasonComment(_reason(reason), comment, at) for reason, comment, at in latest),
            offers=tuple(OfferCounts(*counted) for counted in offers),
            kept=tuple(KeptRevenue(*entry) for entry in kept),
            pauses=counts.get(RetentionEventKind.PAUSED, 0),
            resumptions=counts.get(RetentionEventKind.RESUMED, 0),
        )
