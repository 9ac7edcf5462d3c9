"""API keys: the credentials of the product's backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from portalql.persistence.credentials import (
    TokenKind,
    api_key_display_prefix,
    hash_token,
    mint_api_key,
    token_kind,
)
from portalql.persistence.models import ApiKey, utcnow
from resolvers.principals import ApiKeyPrincipal

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

# Recording every use would turn each authenticated read into a write; a minute's precision is plenty.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedApiKey:
    """A new key: `token` is the only time the plaintext exists, so show it once and drop it."""

    token: str
    key: ApiKey


async def create_api_key(db: AsyncSession, *, name: str, livemode: bool) -> CreatedApiKey:
    token = mint_api_key(livemode=livemode)
    key = ApiKey(
        name=name, prefix=api_key_display_prefix(token), key_hash=hash_token(token), livemode=livemode
    )
    db.add(key)
    await db.flush()
    return CreatedApiKey(token=token, key=key)


async def authenticate_api_key(
    db: AsyncSession, token: str, *, now: datetime | None = None
) -> ApiKeyPrincipal | None:
    """The principal for an active key, or None for an unknown or revoked one."""
    if token_kind(token) is not TokenKind.API_KEY:
        return None
    now = now or utcnow()
    key = await db.scalar(
        select(ApiKey).where(ApiKey.key_hash == hash_token(token), ApiKey.revoked_at.is_(None))
    )
    if key is None:
        return None
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_PRECISION:
        key.last_used_at = now
    return ApiKeyPrincipal(key_id=key.id, name=key.name, livemode=key.livemode)


async def revoke_api_key(db: AsyncSession, key_id: str, *, now: datetime | None = None) -> bool:
    """Revoke a key; False when there is no such active key."""
    revoked_id = await db.scalar(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
        .returning(ApiKey.id)
    )
    return revoked_id is not None


async def list_api_keys(db: AsyncSession) -> Sequence[ApiKey]:
    """Every key, revoked ones included, oldest first."""
    return (await db.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id))).all()
