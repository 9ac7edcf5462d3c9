"""Reporting usage for a customer (API keys only): one meter event, counted once per identifier.

The identifier is the caller's idempotency key twice over: Stripe replays the first answer to a retry under
the same key within a day, and refuses an identifier it already holds for longer, which is answered as
already recorded. Either way a retried report never counts twice. Every check is made before Stripe is
called, but for the timestamp's window (35 days back, 5 minutes ahead), which is Stripe's clock's to judge:
its refusal is answered as the same user error, and a refused report leaves nothing behind.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers.mutations import writes
from resolvers.mutations.outcome import Outcome, UserErrorCode, attempt, reject
from resolvers.mutations.targets import check_id, owned_customer
from resolvers.policy import require_api_key
from stripe_gateway.errors import IdempotencyConflict, InvalidRequest
from stripe_gateway.ids import IdKind

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import MeterEvent

_ACTION = "usage.record"
# Stripe's own limit on identifiers; the character set keeps them safe to log and to show.
MAX_IDENTIFIER_LENGTH = 100
_IDENTIFIER = re.compile(rf"[A-Za-z0-9_.:-]{{1,{MAX_IDENTIFIER_LENGTH}}}")
MAX_VALUE = 1e12
# The parameter Stripe names when an event's time is outside its window.
_TIMESTAMP_PARAM = "timestamp"


@dataclass(frozen=True, slots=True)
class UsageReport:
    customer_id: str
    meter_id: str
    value: float
    identifier: str
    timestamp: int | None


def _check(report: UsageReport) -> None:
    check_id(IdKind.CUSTOMER, report.customer_id, "customer_id")
    check_id(IdKind.METER, report.meter_id, "meter_id")
    if not _IDENTIFIER.fullmatch(report.identifier):
        raise reject(
            UserErrorCode.INVALID_INPUT,
            f"An identifier has 1 to {MAX_IDENTIFIER_LENGTH} letters, digits or `_.:-`.",
            "identifier",
        )
    if not (math.isfinite(report.value) and 0 <= report.value <= MAX_VALUE):
        raise reject(UserErrorCode.INVALID_INPUT, f"A value is between 0 and {MAX_VALUE:.0e}.", "value")
    if report.timestamp is not None and report.timestamp < 0:
        raise reject(UserErrorCode.INVALID_INPUT, "A timestamp is after 1970.", "timestamp")


async def _record(ctx: RequestContext, report: UsageReport) -> MeterEvent:
    principal = require_api_key(ctx)
    _check(report)
    meters = await ctx.loaders.meters()
    meter = next((m for m in meters if m.id == report.meter_id), None)
    if meter is None:
        raise reject(UserErrorCode.NOT_FOUND, f"No active meter with id '{report.meter_id}'.", "meter_id")
    await owned_customer(ctx, principal, report.customer_id, "customer_id")
    key = writes.idempotency_key(ctx, principal, report.identifier)
    reported = {"meter_id": meter.id, "value": report.value, "identifier": report.identifier}
    entry = writes.audit_entry(
        ctx,
        principal,
        action=_ACTION,
        object_type="meter",
        object_id=meter.id,
        customer_id=report.customer_id,
        before=None,
        after={**reported, "timestamp": report.timestamp},
    )
    target = ("record_usage", report.customer_id, meter.id, report.value, report.identifier, report.timestamp)
    try:
        async with writes.audited_write(ctx, key=key, target=target, entry=entry) as written:
            event = await ctx.gateway.record_meter_event(
                meter.event_name,
                customer_id=report.customer_id,
                value=report.value,
                identifier=report.identifier,
                timestamp=report.timestamp,
                idempotency_key=key,
            )
            written.after = {**reported, "timestamp": event.timestamp}
    except IdempotencyConflict:
        raise reject(
            UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This identifier was used for a different report.",
            "identifier",
        ) from None
    except InvalidRequest as error:
        if error.param != _TIMESTAMP_PARAM:
            raise
        raise reject(
            UserErrorCode.INVALID_INPUT,
            "Usage may be dated up to 35 days back and 5 minutes ahead.",
            "timestamp",
        ) from None
    return event


async def record_usage(ctx: RequestContext, report: UsageReport) -> Outcome[MeterEvent]:
    return await attempt(_record(ctx, report))
