"""Tables. Tokens and codes are stored only as SHA-256 hashes; every timestamp is timezone-aware UTC."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from portalql.persistence.db import Base
from resolvers.ports import AuditSource, OfferKind, OfferOutcome, PrincipalType, RetentionEventKind
from stripe_gateway.caching.codec import CodecError, from_document, to_document
from stripe_gateway.records import PortalFlow

if TYPE_CHECKING:
    from collections.abc import Callable
    from enum import StrEnum

    from sqlalchemy.engine import Dialect


def utcnow() -> datetime:
    return datetime.now(UTC)


def _id_factory(prefix: str) -> Callable[[], str]:
    # Prefixed like Stripe's ids, so an id tells what it names, and distinct from Stripe's own prefixes.
    return lambda: f"{prefix}_{secrets.token_hex(12)}"


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on PostgreSQL and on SQLite alike.

    SQLite has no time zones, so values are stored there as naive UTC in one fixed format, which keeps
    comparisons in SQL (`expires_at > :now`) correct.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware one")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL, JSON text on SQLite; a Python None is stored as SQL NULL, not JSON `null`.
JSONDocument = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class PortalFlowDocument(TypeDecorator[PortalFlow]):
    """A portal link's deep-link flow: the gateway's own record, stored as JSON and read back as that record.

    A document that no longer fits the record (written by an older version) reads as no flow, so its link
    still opens, on the portal's first page.
    """

    impl = JSONDocument
    cache_ok = True

    def process_bind_param(self, value: PortalFlow | None, _dialect: Dialect) -> Any:
        return None if value is None else to_document(value)

    def process_result_value(self, value: Any, _dialect: Dialect) -> PortalFlow | None:
        if value is None:
            return None
        try:
            return from_document(value, PortalFlow)
        except CodecError:
            return None


# SQLite only autoincrements a plain INTEGER primary key.
AutoIncrementId = BigInteger().with_variant(Integer(), "sqlite")


def _string_enum(enum: type[StrEnum], name: str) -> Enum:
    # A VARCHAR with a CHECK constraint: adding a value is a small migration, not an ALTER TYPE.
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=_id_factory("pqkey"))
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    livemode: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PortalLink(Base):
    """A one-time portal link, exchanged once for a customer session. (Its table keeps the name it was
    created with; a "portal session" is the `createPortalSession` mutation's result, or Stripe's own.)"""

    __tablename__ = "portal_sessions"
    # Portal analytics: links created, and redeemed, in a period.
    __table_args__ = (Index(None, "created_at"), Index(None, "used_at"))

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=_id_factory("pqps"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)
    configuration_id: Mapped[str | None] = mapped_column(String(255))
    return_url: Mapped[str] = mapped_column(String(2048))
    flow: Mapped[PortalFlow | None] = mapped_column(PortalFlowDocument)
    locale: Mapped[str | None] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_api_key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))


class CustomerSession(Base):
    __tablename__ = "customer_sessions"
    # Portal analytics: sessions started in a period.
    __table_args__ = (Index(None, "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=_id_factory("pqcs"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)
    configuration_id: Mapped[str | None] = mapped_column(String(255))
    portal_link_id: Mapped[str | None] = mapped_column("portal_session_id", ForeignKey("portal_sessions.id"))
    return_url: Mapped[str | None] = mapped_column(String(2048))
    locale: Mapped[str | None] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_api_key_id: Mapped[str | None] = mapped_column(ForeignKey("api_keys.id"))


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        # A customer's trail, newest first, paged by (occurred_at, id).
        Index(None, "customer_id", "occurred_at", "id"),
        # Portal analytics: the actions of a period, counted by kind.
        Index(None, "occurred_at", "action"),
    )

    id: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    principal_type: Mapped[PrincipalType] = mapped_column(_string_enum(PrincipalType, "principal_type"))
    principal_id: Mapped[str] = mapped_column(String(255))
    customer_id: Mapped[str | None] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str] = mapped_column(String(255))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    request_id: Mapped[str | None] = mapped_column(String(255))
    client_ip: Mapped[str | None] = mapped_column(String(45))
    source: Mapped[AuditSource] = mapped_column(_string_enum(AuditSource, "source"))
    # For a write made through the API: the SHA-256 of the idempotency key it was sent to Stripe under.
    # Unique, so the write is audited once, whichever path that sees it take effect gets there first.
    write_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class ExpectedAudit(Base):
    """The audit entry of a write sent to Stripe whose effect is not confirmed yet.

    Kept before the write is sent; moved to `audit_events` by whichever sees the write take effect first: the
    mutation's answer, a retry that finds the change already made, or the webhook of the change (which names
    the write's idempotency key). A write refused outright drops it.
    """

    __tablename__ = "expected_audits"
    __table_args__ = (Index(None, "object_id", "action", "target"),)

    write_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # What the write asks for (a digest), so a retry that finds exactly that done knows this write did it.
    target: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    principal_type: Mapped[PrincipalType] = mapped_column(_string_enum(PrincipalType, "principal_type"))
    principal_id: Mapped[str] = mapped_column(String(255))
    customer_id: Mapped[str | None] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str] = mapped_column(String(255))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    request_id: Mapped[str | None] = mapped_column(String(255))
    client_ip: Mapped[str | None] = mapped_column(String(45))


class WebhookEvent(Base):
    """The inbox of Stripe events: one row per Stripe event id, however often it is delivered."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        # The newest processed event per object, to ignore events that arrive out of order.
        Index(None, "object_id", "stripe_created"),
    )

    id: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True)
    stripe_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    stripe_created: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    customer_id: Mapped[str | None] = mapped_column(String(255))
    object_id: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # Failed processing is retried in the background: how often it was tried, and when next.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why the event was not (or not yet) applied: the last processing error, or why it cannot be used at all.
    failure: Mapped[str | None] = mapped_column(String(1000))


class RefundRequest(Base):
    """A refund made through the API under its caller's idempotency key, kept beyond Stripe's 24 hours."""

    __tablename__ = "refund_requests"

    id: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    target_id: Mapped[str] = mapped_column(String(255))
    requested_amount: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(32))
    charge_id: Mapped[str] = mapped_column(String(255))
    refund_id: Mapped[str] = mapped_column(String(255))
    refunded_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChargeLock(Base):
    """A row per charge refunded through the API; a refund locks it so one charge refunds one at a time."""

    __tablename__ = "charge_locks"

    charge_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class KnownSubscription(Base):
    """A subscription a customer was last seen with that invoices again: a hint, not a copy of Stripe.

    Ids only, so nothing here can go stale in a way that shows: a read that finds a subscription missing
    from this table reads its upcoming invoice a round trip later, one that finds an extra drops its preview.
    """

    __tablename__ = "known_subscriptions"

    customer_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventEndpoint(Base):
    """Where the product receives portalql's events: a URL and the secret its deliveries are signed with
    (kept in clear: signing needs it, as Stripe keeps its webhook secrets)."""

    __tablename__ = "event_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=_id_factory("pqwe"))
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(200))
    # The actions delivered; an empty list delivers every action.
    event_types: Mapped[list[str]] = mapped_column(JSONDocument)
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_api_key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))


class EventDelivery(Base):
    """One audit event owed to one endpoint: due while `next_attempt_at` is set, delivered when
    `delivered_at` is, given up on when neither is (until redelivered)."""

    __tablename__ = "event_deliveries"
    __table_args__ = (
        # What is due, oldest first: every instance's deliverer asks this every second.
        Index(None, "next_attempt_at"),
        # An event is owed once to an endpoint (a redelivery makes its row due again); an endpoint's
        # deliveries, newest first.
        Index(None, "endpoint_id", "audit_event_id", unique=True),
    )

    id: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("event_endpoints.id"))
    audit_event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))


class ExternalCustomerId(Base):
    """The product's own id for a customer (a user or a company), mapped to one Stripe customer.

    Unique both ways: an external id names one customer, and a customer has one external id. The customer's
    Stripe metadata holds it too, so the mapping can be rebuilt from Stripe (`portalql external-ids rebuild`).
    """

    __tablename__ = "external_customer_ids"

    external_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InvoiceRequest(Base):
    """A one-off invoice made through the API under its caller's idempotency key, and how far it got.

    Claimed before the first Stripe call, so a retry finds the invoice the first attempt made (or began) and
    carries on from there instead of making another; `request_digest` tells a retry from another request.
    """

    __tablename__ = "invoice_requests"

    idempotency_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_digest: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(255))
    invoice_id: Mapped[str | None] = mapped_column(String(255))
    # When the invoice was sent to the customer: sending again would email them twice.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RetentionOfferRow(Base):
    """A retention offer: data, never edited once made (archived and replaced instead), so an offer shown or
    accepted always points at what the customer saw. The terms of its kind are set, the others null."""

    __tablename__ = "retention_offers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=_id_factory("pqro"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OfferKind] = mapped_column(_string_enum(OfferKind, "retention_offer_kind"))
    # Empty lists: any cancellation reason, product or portal configuration.
    reasons: Mapped[list[str]] = mapped_column(JSONDocument)
    product_ids: Mapped[list[str]] = mapped_column(JSONDocument)
    configuration_ids: Mapped[list[str]] = mapped_column(JSONDocument)
    coupon_id: Mapped[str | None] = mapped_column(String(255))
    percent_off: Mapped[float | None] = mapped_column(Float)
    amount_off: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    coupon_duration: Mapped[str | None] = mapped_column(String(16))
    duration_in_months: Mapped[int | None] = mapped_column(Integer)
    pause_interval: Mapped[str | None] = mapped_column(String(8))
    pause_interval_count: Mapped[int | None] = mapped_column(Integer)
    price_id: Mapped[str | None] = mapped_column(String(255))
    price_unit_amount: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RetentionGrant(Base):
    """A retention offer shown to a customer: once per customer ever, whichever instance or retry shows it
    (the unique constraint decides), and whether they took it."""

    __tablename__ = "retention_grants"
    __table_args__ = (
        UniqueConstraint("offer_id", "customer_id"),
        # The report's offer counts over a period.
        Index(None, "shown_at", "offer_id"),
    )

    id: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True)
    offer_id: Mapped[str] = mapped_column(ForeignKey("retention_offers.id"))
    customer_id: Mapped[str] = mapped_column(String(255), index=True)
    subscription_id: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[OfferOutcome] = mapped_column(_string_enum(OfferOutcome, "offer_outcome"))
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the subscription billed a month when the offer was shown: the revenue kept if it is accepted.
    monthly_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class RetentionEventRow(Base):
    """A cancellation, pause or resumption made through the API, for the cancellation report."""

    __tablename__ = "retention_events"
    __table_args__ = (
        # The report counts each kind over a period, and cancellations by reason.
        Index(None, "kind", "occurred_at", "reason"),
    )

    id: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True)
    # The digest of the write's idempotency key: a retried write is counted once.
    event_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[RetentionEventKind] = mapped_column(_string_enum(RetentionEventKind, "retention_event_kind"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    customer_id: Mapped[str] = mapped_column(String(255))
    subscription_id: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(String(1000))


class TrustedDocument(Base):
    """A GraphQL document an application's client was built with, by the SHA-256 hash of its text: what a
    request may name instead of sending the text, and, under `PORTALQL_SESSION_DOCUMENTS=trusted`, all that
    a customer session may run. Loaded from a client's manifest (`portalql documents load`), never edited:
    a changed text is another hash."""

    __tablename__ = "trusted_documents"

    document_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[str] = mapped_column(Text())
    operation_name: Mapped[str | None] = mapped_column(String(255))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LoginCode(Base):
    """One request to sign in on the login page: the code and link mailed for it (both stored hashed), the
    customers the email belongs to, and whether it has been used. Rows also count requests for rate limits,
    including those for emails no customer has, which get no mail."""

    __tablename__ = "login_codes"
    __table_args__ = (Index(None, "email", "created_at"), Index(None, "client_ip", "created_at"))

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=_id_factory("pqlc"))
    email: Mapped[str] = mapped_column(String(254))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    configuration_id: Mapped[str | None] = mapped_column(String(255))
    # [{"id": "cus_…", "name": "…"}], filled in when the mail is sent.
    customers: Mapped[list[dict[str, str]]] = mapped_column(JSONDocument, default=list)
    code_hash: Mapped[str] = mapped_column(String(128))
    link_hash: Mapped[str] = mapped_column(String(64), unique=True)
    choice_hash: Mapped[str | None] = mapped_column(String(64))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
