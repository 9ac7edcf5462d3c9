"""`portalql external-ids rebuild`: restore the external customer id mapping from Stripe's side of it.

`linkExternalCustomerId` keeps each mapping twice, in the database and in the customer's Stripe metadata
(`portalql_external_id`). After a database is lost or restored from an old backup, this reads every
customer (a hundred per Stripe call, never a search) and maps the ids their metadata holds. A mapping the
database already has is left as it is; an id the database maps to another customer is reported, not moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from portalql.persistence.db import Database
from portalql.persistence.repositories.external_ids import link_external_id
from portalql.runtime import connect_cached_gateway
from resolvers import external_ids
from resolvers.ports import ExternalIdTaken

if TYPE_CHECKING:
    from portalql.settings import Settings
    from stripe_gateway.interface import BillingGateway

_PAGE = 100


@dataclass
class RebuildReport:
    customers: int = 0
    linked: int = 0
    # (external id, customer in Stripe's metadata, customer the database maps it to)
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)
    # Metadata values that are no valid external id, by customer.
    invalid: list[str] = field(default_factory=list)


async def rebuild_external_ids(database: Database, gateway: BillingGateway) -> RebuildReport:
    report = RebuildReport()
    starting_after = None
    while True:
        page = await gateway.list_customers(limit=_PAGE, starting_after=starting_after)
        for customer in page.data:
            report.customers += 1
            external_id = customer.metadata.get(external_ids.METADATA_KEY)
            if not external_id:
                continue
            if not external_ids.is_valid(external_id):
                report.invalid.append(customer.id)
                continue
            try:
                async with database.session() as db:
                    link = await link_external_id(db, external_id, customer.id)
            except ExternalIdTaken as taken:
                report.conflicts.append((external_id, customer.id, taken.customer_id))
                continue
            report.linked += link.changed
        if not page.has_more or not page.data:
            return report
        starting_after = page.data[-1].id


async def rebuild(settings: Settings) -> RebuildReport:
    database = Database(settings.database_url)
    try:
        await database.migrate()
        gateway = await connect_cached_gateway(settings)
        try:
            return await rebuild_external_ids(database, gateway)
        finally:
            await gateway.close()
    finally:
        await database.dispose()
