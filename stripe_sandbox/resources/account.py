"""The account itself: `GET /v1/account`, with Stripe's `settings.branding` (logo and icon as file ids,
expandable to the file with its public links) that hosted pages take their look from."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from stripe_sandbox.routing import Call, router

if TYPE_CHECKING:
    from stripe_sandbox.store import Store
    from stripe_sandbox.wire import StripeObject


ACCOUNT_ID = "acct_1SandboxAccount00"


def account(store: Store) -> StripeObject:
    """The one account, created with Stripe's defaults the first time it is asked for."""
    found = next(store.iter_type("account"), None)
    if found is not None:
        return found
    nothing_due: dict[str, Any] = {
        "alternatives": [], "current_deadline": None, "currently_due": [], "disabled_reason": None,
        "errors": [], "eventually_due": [], "past_due": [], "pending_verification": [],
    }  # fmt: skip
    created: StripeObject = {
        # A fixed id: creating the account must not shift the ids the seeded random gives everything else.
        "id": ACCOUNT_ID,
        "object": "account",
        "business_profile": {
            "annual_revenue": None,
            "estimated_worker_count": None,
            "mcc": "5734",
            "minority_owned_business_designation": None,
            "name": None,
            "product_description": None,
            "support_address": None,
            "support_email": None,
            "support_phone": None,
            "support_url": None,
            "url": None,
        },
        "business_type": "company",
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "charges_enabled": True,
        "controller": {"type": "account"},
        "country": "US",
        "created": store.now(),
        "default_currency": "usd",
        "details_submitted": True,
        "email": None,
        "external_accounts": {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": f"/v1/accounts/{ACCOUNT_ID}/external_accounts",
        },
        "future_requirements": dict(nothing_due),
        "metadata": {},
        "payouts_enabled": True,
        "requirements": dict(nothing_due),
        "settings": {
            "branding": {"icon": None, "logo": None, "primary_color": None, "secondary_color": None},
            "dashboard": {"display_name": None, "timezone": "Etc/UTC"},
        },
        "tos_acceptance": {"date": None, "ip": None, "user_agent": None},
        "type": "standard",
    }
    return store.add(created)


def set_branding(
    store: Store, *, display_name: str | None = None, announce: bool = True, **branding: Any
) -> StripeObject:
    """Change the account's brand as the Dashboard's branding settings do (`primary_color`, `logo`, …),
    which sends `account.updated`; a seed, which is setup rather than history, does not `announce`."""
    found = account(store)
    before = copy.deepcopy(found)
    found["settings"]["branding"].update(branding)
    if display_name is not None:
        found["settings"]["dashboard"]["display_name"] = display_name
        found["business_profile"]["name"] = display_name
    if announce:
        store.emit_changes("account.updated", before, found)
    return found


def new_file_with_link(store: Store, *, url: str, purpose: str = "business_logo") -> StripeObject:
    """An uploaded image with one public file link, as a logo set in the Dashboard has."""
    file_id = store.new_id("file", 24)
    link = {
        "id": store.new_id("link", 24),
        "object": "file_link",
        "created": store.now(),
        "expired": False,
        "expires_at": None,
        "file": file_id,
        "livemode": False,
        "metadata": {},
        "url": url,
    }
    file: StripeObject = {
        "id": file_id,
        "object": "file",
        "created": store.now(),
        "expires_at": None,
        "filename": "logo.png",
        "links": {
            "object": "list",
            "data": [link],
            "has_more": False,
            "url": f"/v1/file_links?file={file_id}",
        },
        "purpose": purpose,
        "size": 2048,
        "title": None,
        "type": "png",
        "url": f"https://files.stripe.com/v1/files/{file_id}/contents",
    }
    return store.add(file)


@router.get("/v1/account")
def retrieve_account(call: Call) -> StripeObject:
    return account(call.store)
