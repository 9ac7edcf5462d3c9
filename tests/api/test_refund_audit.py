"""A refund is audited even when the process fails right after recording it.

The failure is the audit table being unreachable for the first request (renamed away), as a crash between two
commits would leave it: the refund is made on Stripe, and the request fails. The retry finds the refund on
Stripe by its key, so the refund is audited exactly once and no money moves twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from tests.api.mutation_support import MAYA, writes
from tests.api.test_mutations_refunds import RESULT, charge_of, paid_invoice, refunds_of
from tests.fixtures.app import graphql
from tests.webhooks.conftest import audit_trail

if TYPE_CHECKING:
    import httpx

    from portalql.persistence.db import Database
    from tests.fixtures.app import Tokens
    from tests.fixtures.sandbox import SandboxHandle

REFUND = (
    "mutation($input: RefundPaymentInput!) "
    f"{{ refundPayment(input: $input) {{ {RESULT} userErrors {{ code }} }} }}"
)


async def _rename(database: Database, old: str, new: str) -> None:
    async with database.session() as db:
        await db.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


async def test_a_refund_whose_audit_could_not_be_written_is_audited_by_its_retry(
    api: httpx.AsyncClient, tokens: Tokens, sandbox: SandboxHandle, database: Database
) -> None:
    token = await tokens.api_key()
    invoice = paid_invoice(sandbox, MAYA)
    given = {"invoiceId": invoice["id"], "amount": 700, "idempotencyKey": "refund-crash"}

    await _rename(database, "audit_events", "audit_events_away")
    try:
        failed = await api.post(
            "/graphql",
            json={"query": REFUND, "variables": {"input": given}},
            headers={"Authorization": f"Bearer {token}"},
        )
    finally:
        await _rename(database, "audit_events_away", "audit_events")
    retried = await graphql(api, REFUND, {"input": given}, token=token)

    # It failed after Stripe refunded (SQLite calls a missing table an outage, 503; PostgreSQL, a bug).
    assert "errors" in failed.json()
    assert retried["data"]["refundPayment"]["userErrors"] == []
    refunds = refunds_of(sandbox, charge_of(sandbox, invoice))
    assert [r["amount"] for r in refunds] == [700]
    assert writes(sandbox)["POST /v1/refunds"] == 1
    trail = [(e.action, e.object_id) for e in await audit_trail(database)]
    assert trail == [("payment.refund", refunds[0]["id"])]
