"""What the resolvers need from persistence, as small protocols that `portalql` implements on its database.

The resolvers never import `portalql`: the app injects an implementation through `RequestContext.stores`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping
    from contextlib import AbstractAsyncContextManager
    from datetime import datetime

    from resolvers.principals import CustomerPrincipal, Principal, Scope
    from stripe_gateway.records import CancellationFeedback, CouponDuration, Interval, PortalFlow


# -- audit trail --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change made through the API, as it is written to the trail."""

    principal: Principal
    action: str
    object_type: str
    object_id: str
    customer_id: str | None
    before: Mapping[str, object] | None
    after: Mapping[str, object] | None
    request_id: str
    client_ip: str | None


def invoice_paid_key(invoice_id: str) -> str:
    """The trail's key for an invoice being paid: one entry per invoice, whichever sees the payment first
    (`payInvoice`'s answer, a retry of it, or the `invoice.paid` webhook of a payment completed elsewhere)."""
    return f"invoice-paid:{invoice_id}"


class PrincipalType(StrEnum):
    """Who made a change."""

    API_KEY = "api_key"
    CUSTOMER_SESSION = "customer_session"
    STRIPE = "stripe"


class AuditSource(StrEnum):
    """Where a change was made."""

    PORTALQL = "portalql"  # through this API
    EXTERNAL = "external"  # elsewhere (Stripe's dashboard or hosted portal), learnt from a webhook


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One event of the trail as it is read back. `principal_id` and `client_ip` may be withheld (None)."""

    id: int
    occurred_at: datetime
    principal_type: PrincipalType
    principal_id: str | None
    customer_id: str | None
    action: str
    object_type: str
    object_id: str
    before: Mapping[str, object] | None
    after: Mapping[str, object] | None
    request_id: str | None
    client_ip: str | None
    source: AuditSource
    cursor: str


@dataclass(frozen=True, slots=True)
class AuditRecordPage:
    records: tuple[AuditRecord, ...]
    has_more: bool


@dataclass(frozen=True, slots=True)
class ExpectedWrite:
    """A write about to be sent to Stripe under the idempotency key `key` (as given to the gateway), asking
    for the state that `target` names (a digest); `entry.after` is that state as the trail shows it."""

    key: str
    target: str
    entry: AuditEntry


class AuditLog(Protocol):
    async def record(self, entry: AuditEntry, *, write_key: str | None = None) -> None:
        """Add `entry`; with `write_key`, only if the write sent under that key is not in the trail yet."""
        ...

    async def expect(self, write: ExpectedWrite) -> None:
        """Keep the write's entry until it is seen to take effect (`took_effect`, `already_done`, or the
        webhook of the change) or is refused (`refused`); it reaches the trail exactly once."""
        ...

    async def took_effect(self, key: str, *, after: Mapping[str, object] | None) -> None: ...

    async def already_done(
        self, *, object_id: str, action: str, target: str, after: Mapping[str, object] | None
    ) -> None:
        """The state `target` names holds: the writes kept as asking for it took effect."""
        ...

    async def refused(self, key: str) -> None: ...

    async def page(self, *, customer_id: str | None, limit: int, after: str | None) -> AuditRecordPage:
        """Events newest first, after the opaque cursor `after`; raises ValueError for a bad cursor."""
        ...


# -- customer sessions and portal links ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PortalLink:
    """A one-time hosted portal link: `code` exists in clear only here, the store keeps its hash."""

    id: str
    code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedCustomerSession:
    """A new customer session: `token` exists in clear only here, the store keeps its hash."""

    token: str
    principal: CustomerPrincipal


@dataclass(frozen=True, slots=True)
class RevokedSession:
    id: str
    customer_id: str
    newly_revoked: bool  # False when it had been revoked before (a retried revocation)


class SessionStore(Protocol):
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
        """A link valid for the service's configured portal link lifetime."""
        ...

    async def create_customer_session(
        self,
        *,
        customer_id: str,
        scopes: frozenset[Scope] | None,
        ttl_seconds: int | None,
        configuration_id: str | None,
        created_by_api_key_id: str,
    ) -> IssuedCustomerSession:
        """A session living `ttl_seconds` (None: the service's configured lifetime), holding `scopes`
        (None: the scopes a portal session grants)."""
        ...

    async def revoke_customer_session(
        self, *, session_id: str | None, token: str | None, customer_id: str | None
    ) -> RevokedSession | None:
        """Revoke the session with that id or token (of `customer_id` only, when given); None if none."""
        ...


# -- refund requests ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefundRequest:
    """A refund made for one idempotency key: what was asked for, and the Stripe refund that answered."""

    idempotency_key: str
    target_id: str  # the invoice (`in_…`), payment intent (`pi_…`) or charge (`ch_…`) the caller named
    requested_amount: int | None  # None: everything that was left
    reason: str | None
    charge_id: str
    refund_id: str
    refunded_amount: int
    currency: str


class LockedCharge(Protocol):
    """Refund requests of one charge, while no other request can refund that charge."""

    async def find(self, idempotency_key: str) -> RefundRequest | None: ...

    async def record(self, request: RefundRequest, *, audit: AuditEntry) -> None:
        """Record the refund and its audit entry together: both are kept, or neither."""
        ...


class RefundLedger(Protocol):
    async def find(self, idempotency_key: str) -> RefundRequest | None: ...

    def lock_charge(self, charge_id: str) -> AbstractAsyncContextManager[LockedCharge]:
        """Hold the charge's lock until the block ends; what the block records is kept only if it ends
        without an exception."""
        ...


# -- event endpoints ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventEndpoint:
    """Where the product receives portalql's events (the audit trail's changes, as signed requests)."""

    id: str
    url: str
    description: str | None
    event_types: tuple[str, ...]  # the actions delivered; empty: every action
    created_at: datetime
    disabled_at: datetime | None


@dataclass(frozen=True, slots=True)
class RegisteredEventEndpoint:
    """An endpoint and the secret its deliveries are signed with."""

    endpoint: EventEndpoint
    secret: str
    new: bool  # False when an enabled endpoint of the URL was there already (a retry)


class EventDeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class EventDelivery:
    """One audit event owed to one endpoint, and how its attempts went."""

    audit_event_id: int
    event_type: str
    status: EventDeliveryStatus
    attempts: int
    last_status: int | None  # the endpoint's last HTTP status; None if it never answered
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None


class EventEndpointStore(Protocol):
    async def register(
        self, *, url: str, description: str | None, event_types: tuple[str, ...], created_by_api_key_id: str
    ) -> RegisteredEventEndpoint:
        """A new endpoint with a new secret; an enabled endpoint of that URL is returned as it is."""
        ...

    async def endpoints(self) -> tuple[EventEndpoint, ...]:
        """Every endpoint, enabled ones first, newest first."""
        ...

    async def disable(self, endpoint_id: str) -> EventEndpoint | None: ...

    async def deliveries(self, endpoint_id: str, *, limit: int) -> tuple[EventDelivery, ...]:
        """The endpoint's latest deliveries, newest event first."""
        ...

    async def redeliver(
        self, endpoint_id: str, *, since: datetime, only_failed: bool, limit: int
    ) -> tuple[int, bool]:
        """Make the endpoint's deliveries since `since` due now; how many, and whether more are left."""
        ...


# -- hints for reads ----------------------------------------------------------------------------------------


class KnownSubscriptions(Protocol):
    """The subscriptions that invoice again each customer was last seen with: ids only, so that reads which
    need a subscription id can start before Stripe has listed them. A stale hint costs a call or a round
    trip, never a wrong answer."""

    async def of(self, customer_id: str) -> frozenset[str]: ...

    def saw(self, customer_id: str, subscription_ids: frozenset[str]) -> None:
        """What a read of the customer's subscriptions found; kept without the caller waiting."""
        ...


# -- external customer ids ----------------------------------------------------------------------------------


class ExternalIdTaken(Exception):  # noqa: N818 - a refusal the caller turns into a user error
    """The external id is mapped to another customer."""

    def __init__(self, external_id: str, customer_id: str) -> None:
        super().__init__(f"external id {external_id!r} is mapped to {customer_id}")
        self.customer_id = customer_id


@dataclass(frozen=True, slots=True)
class ExternalIdLink:
    """A mapping as it is after `link`; `previous` is the customer's external id before, if it had another."""

    external_id: str
    customer_id: str
    previous: str | None
    changed: bool


class ExternalIds(Protocol):
    """The product's own ids for customers, one each way; read from the database alone, never from Stripe."""

    async def customer_of(self, external_id: str) -> str | None: ...

    async def of_customers(self, customer_ids: Collection[str]) -> Mapping[str, str]:
        """The external ids of those of `customer_ids` that have one."""
        ...

    async def link(self, external_id: str, customer_id: str) -> ExternalIdLink:
        """Map `external_id` to the customer (replacing the customer's previous one); raises ExternalIdTaken
        when another customer holds it. Linking what is already linked changes nothing."""
        ...


# -- one-off invoices ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvoiceProgress:
    """How far the invoice made for one idempotency key got: nothing yet, made (`invoice_id`), sent."""

    idempotency_key: str
    request_digest: str
    customer_id: str
    invoice_id: str | None
    sent: bool


class InvoiceRequests(Protocol):
    async def claim(self, idempotency_key: str, *, request_digest: str, customer_id: str) -> InvoiceProgress:
        """The request's progress, recorded as begun when the key is new."""
        ...

    async def invoice_made(self, idempotency_key: str, invoice_id: str) -> None: ...

    async def invoice_sent(self, idempotency_key: str) -> None: ...


# -- portal analytics ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionCount:
    """How many audited changes of one action, with one `kind` and `direction` in their after-state (the
    portal session's kind, the plan change's direction; None where the entry has none), from one source,
    with or without a before-state, a period holds."""

    action: str
    kind: str | None
    direction: str | None
    source: AuditSource
    has_before: bool
    count: int


@dataclass(frozen=True, slots=True)
class PortalActivity:
    actions: tuple[ActionCount, ...]
    links_redeemed: int
    customer_sessions: int


class Analytics(Protocol):
    async def activity(self, *, since: datetime, until: datetime, actions: Collection[str]) -> PortalActivity:
        """Counts over `[since, until)`: the audited `actions`, the portal links redeemed, and the customer
        sessions started (issued to an SPA or from a redeemed link)."""
        ...


# -- retention offers ---------------------------------------------------------------------------------------


class OfferKind(StrEnum):
    """What a retention offer gives a customer who was about to cancel."""

    COUPON = "coupon"
    PAUSE = "pause"
    PRICE_SWITCH = "price_switch"


@dataclass(frozen=True, slots=True)
class CouponTerms:
    """A coupon offer: `percent_off`, or `amount_off` in `currency`, for one invoice, N months or forever;
    `coupon_id` is the Stripe coupon made for it."""

    percent_off: float | None
    amount_off: int | None
    currency: str | None
    duration: CouponDuration
    duration_in_months: int | None
    coupon_id: str


@dataclass(frozen=True, slots=True)
class PauseTerms:
    """A pause offer: payments pause for `interval_count` intervals, then resume by themselves."""

    interval: Interval
    interval_count: int


@dataclass(frozen=True, slots=True)
class PriceSwitchTerms:
    """A switch to a cheaper price: its id, and what it costs (read when the offer was made), so that the
    offer is matched without asking Stripe."""

    price_id: str
    unit_amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class OfferScope:
    """Whom an offer is for: empty means any reason, product or portal configuration."""

    reasons: tuple[CancellationFeedback, ...] = ()
    product_ids: tuple[str, ...] = ()
    configuration_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RetentionOffer:
    """An offer made to customers who start cancelling. Never changed once made: archived, and replaced."""

    id: str
    name: str
    kind: OfferKind
    scope: OfferScope
    created_at: datetime
    archived_at: datetime | None
    coupon: CouponTerms | None = None
    pause: PauseTerms | None = None
    price_switch: PriceSwitchTerms | None = None


@dataclass(frozen=True, slots=True)
class NewRetentionOffer:
    name: str
    kind: OfferKind
    scope: OfferScope
    coupon: CouponTerms | None = None
    pause: PauseTerms | None = None
    price_switch: PriceSwitchTerms | None = None


class OfferOutcome(StrEnum):
    """Where an offer shown to a customer stands."""

    SHOWN = "shown"
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class OfferGrant:
    """An offer shown to one customer (once ever), for one of their subscriptions."""

    id: int
    offer_id: str
    customer_id: str
    subscription_id: str
    reason: CancellationFeedback | None
    outcome: OfferOutcome
    shown_at: datetime
    decided_at: datetime | None
    monthly_amount: int
    currency: str
    # When an accepted offer was applied in Stripe; None until then.
    applied_at: datetime | None = None


class RetentionEventKind(StrEnum):
    """What the cancellation report counts besides offers."""

    CANCELED = "canceled"
    PAUSED = "paused"
    RESUMED = "resumed"


@dataclass(frozen=True, slots=True)
class RetentionEvent:
    """A cancellation, pause or resumption made through the API; `key` makes a retried one count once."""

    key: str
    kind: RetentionEventKind
    customer_id: str
    subscription_id: str
    reason: CancellationFeedback | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: CancellationFeedback | None
    count: int


@dataclass(frozen=True, slots=True)
class ReasonComment:
    reason: CancellationFeedback | None
    comment: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class OfferCounts:
    offer_id: str
    shown: int
    accepted: int
    declined: int


@dataclass(frozen=True, slots=True)
class KeptRevenue:
    currency: str
    monthly_amount: int
    subscriptions: int


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What cancellations said over a period, aggregated in the database."""

    cancellations: tuple[ReasonCount, ...]
    comments: tuple[ReasonComment, ...]
    offers: tuple[OfferCounts, ...]
    kept: tuple[KeptRevenue, ...]
    pauses: int
    resumptions: int


class RetentionStore(Protocol):
    async def create_offer(self, offer: NewRetentionOffer) -> RetentionOffer: ...

    async def offers(self, *, include_archived: bool) -> tuple[RetentionOffer, ...]:
        """Oldest first: the first offer that fits a cancellation is the one shown."""
        ...

    async def offer(self, offer_id: str) -> RetentionOffer | None: ...

    async def archive_offer(self, offer_id: str) -> RetentionOffer | None: ...

    async def grants_of(self, customer_id: str) -> tuple[OfferGrant, ...]:
        """Every offer ever shown to the customer."""
        ...

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
        """Show the offer to the customer: at most once ever (a unique constraint), so a concurrent or
        earlier showing is returned instead of a new one."""
        ...

    async def decide(self, grant_id: int, outcome: OfferOutcome) -> bool:
        """Move a shown offer to `outcome`; False when it was no longer shown (decided already)."""
        ...

    async def applied(self, grant_id: int) -> None:
        """An accepted offer was applied in Stripe: later accepts of it send nothing."""
        ...

    async def undecide(self, grant_id: int) -> None:
        """Put an accepted offer back to shown: applying it was refused."""
        ...

    async def record_event(self, event: RetentionEvent) -> None:
        """Count the event once, however often it is recorded under its key."""
        ...

    async def report(self, *, since: datetime, until: datetime, comments: int) -> RetentionReport: ...


@dataclass(frozen=True, slots=True)
class Stores:
    """The persistence the mutations and the audit trail use."""

    audit: AuditLog
    sessions: SessionStore
    refunds: RefundLedger
    event_endpoints: EventEndpointStore
    external_ids: ExternalIds
    invoices: InvoiceRequests
    analytics: Analytics
    retention: RetentionStore
