"""Extract the top-level field sets of Stripe's example objects into `stripe_shapes.json`.

Run by hand when Stripe's published fixtures change:
    python tests/sandbox/extract_shapes.py path/to/fixtures3.json
The shape tests read only the JSON written here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Every resource the sandbox returns, by its name in fixtures3.json's `resources`.
RESOURCES = (
    "billing.credit_balance_summary",
    "billing.credit_balance_transaction",
    "billing.credit_grant",
    "billing.meter",
    "billing.meter_event",
    "billing.meter_event_summary",
    "account",
    "billing_portal.configuration",
    "billing_portal.session",
    "charge",
    "coupon",
    "customer",
    "customer_balance_transaction",
    "deleted_customer",
    "discount",
    "event",
    "file",
    "file_link",
    "invoice",
    "invoice_payment",
    "invoiceitem",
    "line_item",
    "payment_intent",
    "payment_method",
    "price",
    "product",
    "refund",
    "setup_intent",
    "subscription",
    "subscription_item",
    "subscription_schedule",
)
OUTPUT = Path(__file__).with_name("stripe_shapes.json")


def main(fixtures: Path) -> None:
    resources = json.loads(fixtures.read_text())["resources"]
    shapes = {name: sorted(resources[name]) for name in RESOURCES}
    OUTPUT.write_text(json.dumps(shapes, indent=2) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/sandbox/extract_shapes.py path/to/fixtures3.json")
    main(Path(sys.argv[1]))
