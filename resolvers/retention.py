"""What the merchant reads about keeping customers (API keys only): the retention offers, and the report of
what cancellations said over a period, aggregated by the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resolvers.errors import InvalidArgumentError
from resolvers.mutations.writes import stores
from resolvers.policy import require_api_key

if TYPE_CHECKING:
    from datetime import datetime

    from resolvers.context import RequestContext
    from resolvers.ports import RetentionOffer, RetentionReport

# The report lists this many of the latest comments; a longer period is read in several.
REPORT_COMMENTS = 50
MAX_REPORT_DAYS = 366


async def retention_offers(ctx: RequestContext, *, include_archived: bool) -> tuple[RetentionOffer, ...]:
    require_api_key(ctx)
    return await stores(ctx).retention.offers(include_archived=include_archived)


async def cancellation_report(ctx: RequestContext, *, since: datetime, until: datetime) -> RetentionReport:
    require_api_key(ctx)
    if since.tzinfo is None or until.tzinfo is None:
        raise InvalidArgumentError("Give `since` and `until` with a time zone.")
    if not 0 < (until - since).total_seconds() <= MAX_REPORT_DAYS * 86_400:
        raise InvalidArgumentError(f"`until` comes after `since`, at most {MAX_REPORT_DAYS} days later.")
    return await stores(ctx).retention.report(since=since, until=until, comments=REPORT_COMMENTS)
