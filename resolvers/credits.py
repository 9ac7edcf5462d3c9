"""Reading credit: a customer's credit balance per currency, its grants with what is left of each, and the
changes of its cash balance.

Three reads at once, none waiting for another: the balance summary (what Stripe will apply to metered
lines), the grants, and their ledger, which tells what is left of each grant (Stripe's grant object does
not). The balance changes with every invoice that spends credit and sends no webhook for it, so the answer
says when Stripe gave it (`as_of`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolvers.loaders.usage import BalancePageKey
from resolvers.pagination import PageRequest, Slice, slice_of
from resolvers.policy import check_owner, require_scope
from resolvers.principals import Scope
from stripe_gateway.caching import dependencies

if TYPE_CHECKING:
    from resolvers.context import RequestContext
    from stripe_gateway.records import (
        BalanceTransaction,
        CreditBalance,
        CreditGrant,
        CreditLedgerEntry,
        Page,
    )


@dataclass(frozen=True, slots=True)
class CurrencyCredit:
    currency: str
    # Usable now on metered lines.
    available: int
    # Granted, but not in effect yet.
    pending: int


@dataclass(frozen=True, slots=True)
class GrantState:
    grant: CreditGrant
    # What is left of it; None when its ledger is longer than the page read (over 100 movements).
    remaining: int | None
    usable: bool


@dataclass(frozen=True, slots=True)
class CustomerCredit:
    balances: tuple[CurrencyCredit, ...]
    grants: tuple[GrantState, ...]
    as_of: int


async def customer_credit(ctx: RequestContext, customer_id: str) -> CustomerCredit:
    """Three Stripe calls in one round trip (started ahead of the customer's read when the query shows it)."""
    check_owner(require_scope(ctx, Scope.CREDITS_READ), customer_id, customer_id)
    loaders = ctx.loaders
    summary = loaders.credit_summary(customer_id)
    grants = loaders.credit_grants(customer_id)
    ledger = loaders.credit_ledger(customer_id)
    held, granted, moves = await summary, await grants, await ledger
    clock = time.time()
    now = int(clock)
    states = tuple(
        GrantState(grant, _remaining(grant, moves), grant.usable_at(now))
        for grant in granted.data
        if grant.voided_at is None
    )
    # Which grants are usable and which pending follows the clock: an answer cached whole holds only until
    # the next grant takes effect or expires.
    moments = [at for state in states for at in (state.grant.effective_at, state.grant.expires_at) if at]
    if later := [at for at in moments if at > now]:
        dependencies.valid_for(min(later) - clock)
    return CustomerCredit(balances=_balances(held.balances, states, now), grants=states, as_of=held.as_of)


def _remaining(grant: CreditGrant, ledger: Page[CreditLedgerEntry]) -> int | None:
    if ledger.has_more:  # its older movements are not in the page read
        return None
    return sum(entry.amount for entry in ledger.data if entry.grant_id == grant.id)


def _balances(
    held: tuple[CreditBalance, ...], states: tuple[GrantState, ...], now: int
) -> tuple[CurrencyCredit, ...]:
    available = {balance.currency: balance.available for balance in held}
    pending: dict[str, int] = {}
    for state in states:
        grant = state.grant
        if grant.effective_at is not None and grant.effective_at > now:
            pending[grant.currency] = pending.get(grant.currency, 0) + (state.remaining or grant.amount)
    currencies = sorted(available.keys() | pending.keys())
    return tuple(CurrencyCredit(c, available.get(c, 0), pending.get(c, 0)) for c in currencies)


async def balance_transactions(
    ctx: RequestContext, customer_id: str, request: PageRequest
) -> Slice[BalanceTransaction]:
    """A page of the customer's cash balance changes, newest first: one Stripe call."""
    check_owner(require_scope(ctx, Scope.CREDITS_READ), customer_id, customer_id)
    key = BalancePageKey(customer_id, request.limit, request.starting_after)
    return slice_of(await ctx.loaders.balance_page(key), request)
