"""What a Stripe id tells about its object, so that no code outside the gateway reads Stripe's id prefixes."""

from __future__ import annotations

_CHARGE_PREFIX = "ch_"


def is_charge_id(payment_id: str) -> bool:
    """Whether a payment's id names a charge (`ch_…`) rather than a payment intent (`pi_…`)."""
    return payment_id.startswith(_CHARGE_PREFIX)
