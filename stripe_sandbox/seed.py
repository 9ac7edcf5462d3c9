"""Seeds: `empty` (a fresh account) and `demo`, a small SaaS ("Lumenpad") a year into billing with Stripe.

The demo is deterministic: the same objects, ids and amounts for the same clock instant, every timestamp
relative to `store.now()`. It is built by living through that year: each step runs at its moment, and the
clock processes renewals, trial ends and cancellations in between, so every invoice, charge and period is
one Stripe itself would have produced."""

from __future__ import annotations

import copy
import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stripe_sandbox import clock
from stripe_sandbox.resources import invoice_items, invoices
from stripe_sandbox.resources.account import set_branding
from stripe_sandbox.resources.catalog import new_price, new_product
from stripe_sandbox.resources.coupons import new_coupon
from stripe_sandbox.resources.credits import new_grant, record_cash
from stripe_sandbox.resources.customers import new_customer, normalize_address
from stripe_sandbox.resources.invoice_lines import Line
from stripe_sandbox.resources.meters import add_event, new_meter
from stripe_sandbox.resources.payment_methods import new_card
from stripe_sandbox.resources.portal import CANCELLATION_REASONS, _login_url, new_configuration
from stripe_sandbox.resources.subscription_changes import Cancel, Change, ItemChange, items_of
from stripe_sandbox.resources.subscriptions import ItemSpec, cancel_now, change_subscription, new_subscription
from stripe_sandbox.resources.tax_ids import new_tax_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from stripe_sandbox.store import Store
    from stripe_sandbox.wire import StripeObject

DAY = 86_400
HOUR = 3_600

# The customer with the richest history; the API prints a session token for it in development.
DEMO_CUSTOMER_EMAIL = "maya.chen@example.com"
# Diego: his replacement card is declined, so his subscription is past due with an open invoice.
PAST_DUE_CUSTOMER_EMAIL = "diego.alvarez@example.mx"
# The demo's customer with a plan and seats beside it: two items to change together.
SEATS_CUSTOMER_EMAIL = "sofia.rossi@example.it"
# Kofi: Pro plus the Lumenpad API, billed by usage; 60 days of API calls and credit grants.
USAGE_CUSTOMER_EMAIL = "kofi.mensah@example.gh"

PRODUCT_NAME = "Lumenpad"
BUSINESS_PROFILE = {
    "headline": f"{PRODUCT_NAME} partners with Stripe for simplified billing.",
    "privacy_policy_url": "https://lumenpad.example.com/legal/privacy",
    "terms_of_service_url": "https://lumenpad.example.com/legal/terms",
}
# The account's brand (Dashboard → Settings → Branding).
BRAND_PRIMARY = "#f5b700"
BRAND_SECONDARY = "#14213d"
RETURN_URL = "https://app.lumenpad.example.com/settings/billing"
# Lumenpad's own id for Maya, in the customer metadata key portalql maps external ids from.
EXTERNAL_ID_METADATA_KEY = "portalql_external_id"
DEMO_EXTERNAL_ID = "lumenpad-user-1001"
ONE_OFF_CUSTOMER_EMAIL = "ethan.brooks@example.com"
# Ethan's one-off invoice: an onboarding workshop and a data import, sent for payment within 30 days and
# still open after them, so he is delinquent (`customer.delinquent`) with no subscription to show it.
ONE_OFF_LINES = (("Onboarding workshop", 45000), ("Data import from another tool", 12000))
ONE_OFF_SENT_DAYS_AGO = 38
# The coupon of the demo's retention offer (50% off for three months), which portalql's demo data names.
DEMO_COUPON_ID = "STAY50"

# name, description, monthly amount in USD cents and in yen (yearly: ten months' price)
PLANS = (
    ("Starter", "Notes and boards for one person.", 1000, 1000),
    ("Pro", "Unlimited boards, version history and sharing for small teams.", 3000, 3000),
    ("Business", "SSO, audit log and priority support for organizations.", 9000, 9000),
)
SEAT = ("Additional seat", "One more member on a Business workspace.", 800)
# The most seats a customer may choose in the portal.
SEATS_AT_MOST = 50
# The API add-on: calls counted by a meter and billed monthly in arrears, by graduated tiers (cents per call).
API_PRODUCT = ("Lumenpad API", "Programmatic access to boards and notes, billed per call.")
API_METER = ("API calls", "api_call")
API_TIERS = (
    {"up_to": 1000, "unit_amount": 0},
    {"up_to": 10_000, "unit_amount": 2},
    {"up_to": None, "unit_amount": 1},
)
USAGE_DAYS = 60


# The last demo built, by (store seed, instant): tests reset to the same frozen instant before each test,
# and copying a built year is far cheaper than living through it again.
_built: dict[tuple[int, int], tuple[dict[str, StripeObject], tuple[Any, ...]]] = {}


def load(store: Store, name: str) -> None:
    """Fill an empty store with the named seed."""
    if name == "empty":
        return
    if name != "demo":
        raise ValueError(f"unknown seed {name!r}")
    key = (store.seed, store.now())
    if key in _built:
        objects, random_state = _built[key]
        store.objects.update(copy.deepcopy(objects))
        store._random.setstate(random_state)
        return
    _Demo(store).build()
    # Seeding is setup, not history a webhook listener should replay.
    store.events.clear()
    store.events_by_id.clear()
    _built.clear()
    _built[key] = (copy.deepcopy(store.objects), store._random.getstate())


def open_login_page(store: Store) -> StripeObject:
    """Turn on the default configuration's login page (`login_page.enabled`), as the Dashboard does. Done
    after seeding, so the seeded objects keep their ids."""
    configuration = next(c for c in store.iter_type("billing_portal.configuration") if c["is_default"])
    configuration["login_page"] = {"enabled": True, "url": _login_url(store)}
    return configuration


def past_due_customer(store: Store) -> StripeObject:
    """The demo's customer whose renewal was declined: a past-due subscription and an open invoice."""
    return next(c for c in store.iter_type("customer") if c["email"] == PAST_DUE_CUSTOMER_EMAIL)


def overdue_customer(store: Store) -> StripeObject:
    """The demo's customer whose one-off invoice is past its due date (see `ONE_OFF_CUSTOMER_EMAIL`)."""
    return next(c for c in store.iter_type("customer") if c["email"] == ONE_OFF_CUSTOMER_EMAIL)


def seats_customer(store: Store) -> StripeObject:
    """The demo's customer billed for a plan and five seats (see `SEATS_CUSTOMER_EMAIL`)."""
    return next(c for c in store.iter_type("customer") if c["email"] == SEATS_CUSTOMER_EMAIL)


def usage_customer(store: Store) -> StripeObject:
    """The demo's usage-billed customer (see `USAGE_CUSTOMER_EMAIL`)."""
    return next(c for c in store.iter_type("customer") if c["email"] == USAGE_CUSTOMER_EMAIL)


def demo_customer(store: Store) -> StripeObject:
    """THE demo customer (see `DEMO_CUSTOMER_EMAIL`)."""
    return next(c for c in store.iter_type("customer") if c["email"] == DEMO_CUSTOMER_EMAIL)


@dataclass
class _Demo:
    store: Store

    def __post_init__(self) -> None:
        self.now = self.store.now()
        self.prices: dict[str, StripeObject] = {}
        self.steps: list[tuple[int, Callable[[int], None]]] = []

    def ago(self, days: float, hours: float = 0) -> int:
        return self.now - int(days * DAY + hours * HOUR)

    def at(self, when: int, step: Callable[[int], None]) -> None:
        self.steps.append((when, step))

    def build(self) -> None:
        self.catalog()
        self.portal()
        self.customers()
        # Live through the year: each step at its moment, billing catching up in between.
        for when, step in sorted(self.steps, key=lambda entry: entry[0]):
            clock.advance(self.store, to=when)
            step(when)
        clock.advance(self.store, to=self.now)
        # Made last, so that nothing the year made changes with it; its due date passes on the clock.
        self.one_off_invoice()
        clock.advance(self.store, to=self.now)

    # -- catalog and portal -----------------------------------------------------------------------------

    def catalog(self) -> None:
        created = self.ago(420)
        for name, description, usd, jpy in PLANS:
            product = new_product(self.store, name=name, description=description, created=created)
            key = name.lower()
            for currency, amount, suffix in (("usd", usd, ""), ("jpy", jpy, "_jpy")):
                for interval, factor in (("month", 1), ("year", 10)):
                    lookup_key = f"{key}_{interval}ly{suffix}"
                    self.prices[lookup_key] = new_price(
                        self.store,
                        product=product["id"],
                        unit_amount=amount * factor,
                        currency=currency,
                        interval=interval,
                        lookup_key=lookup_key,
                        nickname=f"{name} {interval}ly ({currency.upper()})",
                        created=created,
                    )
        seat_name, seat_description, seat_amount = SEAT
        # An add-on, sold beside a plan (portalql reads the mark from the product's metadata).
        seat = new_product(
            self.store,
            name=seat_name,
            description=seat_description,
            created=created,
            unit_label="seat",
            metadata={"portalql_add_on": "true"},
        )
        self.prices["seat_monthly"] = new_price(
            self.store,
            product=seat["id"],
            unit_amount=seat_amount,
            currency="usd",
            interval="month",
            lookup_key="seat_monthly",
            nickname="Additional seat monthly (USD)",
            created=created,
        )
        api_name, api_description = API_PRODUCT
        api = new_product(self.store, name=api_name, description=api_description, created=created)
        display_name, event_name = API_METER
        meter = new_meter(self.store, display_name=display_name, event_name=event_name, created=created)
        self.prices["api_calls_monthly"] = new_price(
            self.store,
            product=api["id"],
            unit_amount=0,
            currency="usd",
            interval="month",
            lookup_key="api_calls_monthly",
            nickname="API calls monthly (USD)",
            created=created,
            meter=meter["id"],
            tiers=[
                {
                    "flat_amount": None,
                    "flat_amount_decimal": None,
                    "unit_amount": tier["unit_amount"],
                    "unit_amount_decimal": str(tier["unit_amount"]),
                    "up_to": tier["up_to"],
                }
                for tier in API_TIERS
            ],
            tiers_mode="graduated",
        )

    def portal(self) -> None:
        new_coupon(
            self.store,
            coupon_id=DEMO_COUPON_ID,
            name="50% off for 3 months",
            percent_off=50.0,
            duration="repeating",
            duration_in_months=3,
        )
        # A light primary colour on purpose: the portal must still put readable text on it.
        set_branding(
            self.store,
            display_name=PRODUCT_NAME,
            primary_color=BRAND_PRIMARY,
            secondary_color=BRAND_SECONDARY,
            announce=False,
        )
        products = []
        for name, *_ in PLANS:
            prices = [price for key, price in self.prices.items() if key.startswith(f"{name.lower()}_")]
            products.append({"product": prices[0]["product"], "prices": [price["id"] for price in prices]})
        seat = self.prices["seat_monthly"]
        products.append(
            {
                "product": seat["product"],
                "prices": [seat["id"]],
                "adjustable_quantity": {"enabled": True, "minimum": 1, "maximum": SEATS_AT_MOST},
            }
        )
        new_configuration(
            self.store,
            features={
                "customer_update": {
                    "enabled": True,
                    "allowed_updates": ["email", "name", "address", "phone", "shipping", "tax_id"],
                },
                "invoice_history": {"enabled": True},
                "payment_method_update": {"enabled": True},
                "subscription_cancel": {
                    "enabled": True,
                    "mode": "at_period_end",
                    "proration_behavior": "none",
                    "cancellation_reason": {"enabled": True, "options": list(CANCELLATION_REASONS)},
                },
                # Customers may pause for a month or three instead of cancelling.
                "subscription_pause": {
                    "enabled": True,
                    "duration": {
                        "type": "interval_options",
                        "interval_options": [
                            {"interval": "month", "interval_count": 1},
                            {"interval": "month", "interval_count": 3},
                        ],
                    },
                },
                "subscription_update": {
                    "enabled": True,
                    "default_allowed_updates": ["price", "quantity"],
                    "products": products,
                    "proration_behavior": "create_prorations",
                },
            },
            business_profile=BUSINESS_PROFILE,
            default_return_url=RETURN_URL,
            is_default=True,
            name=f"{PRODUCT_NAME} customer portal",
        )

    # -- customers ----------------------------------------------------------------------------------------

    def customer(self, name: str, email: str, *, days: float, **details: Any) -> StripeObject:
        return new_customer(self.store, email=email, name=name, created=self.ago(days, 3), **details)

    def card(self, customer: StripeObject, *, days: float, **card: Any) -> None:
        """Schedule adding a card, which becomes the customer's default."""

        def add(at: int) -> None:
            payment_method = new_card(self.store, customer=customer["id"], created=at, **card)
            customer["invoice_settings"]["default_payment_method"] = payment_method["id"]

        self.at(self.ago(days, 2), add)

    def subscribe(
        self, customer: StripeObject, *keys_and_quantities: tuple[str, int], when: int, trial_days: int = 0
    ) -> Callable[[], StripeObject]:
        """Schedule a subscription; the returned getter finds it once the steps ran."""
        made: list[StripeObject] = []

        def start(at: int) -> None:
            made.append(
                new_subscription(
                    self.store,
                    customer=customer["id"],
                    items=[ItemSpec(self.prices[key], quantity) for key, quantity in keys_and_quantities],
                    created=at,
                    trial_end=at + trial_days * DAY if trial_days else None,
                )
            )

        self.at(when, start)
        return lambda: made[0]

    def switch(self, subscription: Callable[[], StripeObject], key: str, *, when: int, behavior: str) -> None:
        def step(at: int) -> None:
            current = subscription()
            item = items_of(current)[0]
            switched = ItemChange(item, self.prices[key], item["quantity"], deleted=False, metadata={})
            change_subscription(
                self.store, current, _change(items=[switched], proration_behavior=behavior), at=at
            )

        self.at(when, step)

    def customers(self) -> None:
        self.demo_customer()
        self.long_standing()
        self.edge_cases()
        self.usage_customer()

    def usage_customer(self) -> None:
        """Kofi: Pro with the API add-on for 75 days; 60 days of API calls, a welcome credit spent on his
        first usage invoice, a goodwill balance credit, and a launch credit not yet spent."""
        kofi = self.customer(
            "Kofi Mensah", USAGE_CUSTOMER_EMAIL, days=76, preferred_locales=["en-GB"], phone="+233302555017"
        )
        self.card(kofi, days=76, brand="visa", last4="4242", exp_month=10, exp_year=2029)
        self.subscribe(kofi, ("pro_monthly", 1), ("api_calls_monthly", 1), when=self.ago(75, 5))
        self.at(self.ago(75, 4), lambda _at: self.api_calls(kofi))

        def grant(name: str, value: int, days: int) -> Callable[[int], None]:
            def step(at: int) -> None:
                new_grant(
                    self.store,
                    customer=kofi["id"],
                    currency="usd",
                    value=value,
                    category="promotional",
                    name=name,
                    effective_at=at,
                    expires_at=at + days * DAY,
                )

            return step

        def goodwill(_at: int) -> None:
            description = "Goodwill credit for the API outage"
            record_cash(
                self.store, kofi, amount=-500, currency="usd", kind="adjustment", description=description
            )

        self.at(self.ago(75, 3), grant("Welcome credit", 2000, 90))
        self.at(self.ago(40, 2), goodwill)
        self.at(self.ago(10, 6), grant("Launch credit", 2500, 50))

    def api_calls(self, customer: StripeObject) -> None:
        """One report per hour of the last 60 days: busier on weekdays and in working hours, growing over
        time, with its own random numbers so that the rest of the demo keeps its ids."""
        dice = random.Random(USAGE_DAYS)  # noqa: S311 - demo data, not a secret
        first_hour = (self.now - USAGE_DAYS * DAY) // HOUR
        for hour in range(first_hour, self.now // HOUR):
            at = hour * HOUR
            day, hour_of_day = divmod(at, DAY)
            weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; 0 is Monday
            growth = 1 + 0.6 * (at - first_hour * HOUR) / (USAGE_DAYS * DAY)
            daytime = 0.25 + math.exp(-(((hour_of_day // HOUR) - 14) ** 2) / 18)
            weekend = 0.35 if weekday >= 5 else 1.0
            calls = int(dice.gauss(20, 5) * growth * daytime * weekend)
            if calls > 0:
                add_event(
                    self.store,
                    event_name=API_METER[1],
                    payload={"stripe_customer_id": customer["id"], "value": str(calls)},
                    identifier=f"demo-{customer['id']}-{hour}",
                    timestamp=at,
                )

    def demo_customer(self) -> None:
        """Maya: thirteen months on Lumenpad, Starter then Pro, two cards."""
        maya = self.customer(
            "Maya Chen",
            DEMO_CUSTOMER_EMAIL,
            days=400,
            phone="+14155550142",
            address={
                "line1": "548 Market St",
                "city": "San Francisco",
                "state": "CA",
                "postal_code": "94104",
                "country": "US",
            },
            preferred_locales=["en-US"],
            metadata={EXTERNAL_ID_METADATA_KEY: DEMO_EXTERNAL_ID},
        )
        maya["shipping"] = {
            "name": "Maya Chen",
            "phone": None,
            "address": normalize_address(
                {"line1": "1 Ferry Building", "city": "San Francisco", "state": "CA", "postal_code": "94111"}
                | {"line2": "Suite 50", "country": "US"}
            ),
        }
        new_tax_id(self.store, maya, "us_ein", "12-3456789", created=self.ago(400, 2))
        self.card(maya, days=400, brand="mastercard", last4="4444", exp_month=8, exp_year=2027)
        self.card(maya, days=90, brand="visa", last4="4242", exp_month=3, exp_year=2029)
        subscription = self.subscribe(maya, ("starter_monthly", 1), when=self.ago(396, 5))
        self.switch(subscription, "pro_monthly", when=self.ago(150, 7), behavior="create_prorations")

    def long_standing(self) -> None:
        noah = self.customer(
            "Noah Williams", "noah@williams-design.example.com", days=370, phone="+13125550187"
        )
        self.card(noah, days=370)
        self.subscribe(noah, ("pro_monthly", 1), when=self.ago(366, 2))

        jonas = self.customer(
            "Jonas Weber",
            "jonas.weber@example.de",
            days=260,
            address={"line1": "Torstraße 118", "city": "Berlin", "postal_code": "10119", "country": "DE"},
            preferred_locales=["de"],
        )
        # His VAT number is checked with the tax authority a minute after it was added: verified.
        new_tax_id(self.store, jonas, "eu_vat", "DE123456789", created=self.ago(260, 2))
        self.card(jonas, days=260, brand="amex", last4="0005", exp_month=11, exp_year=2028)
        self.subscribe(jonas, ("business_yearly", 1), when=self.ago(250, 4))

        sofia = self.customer("Sofia Rossi", SEATS_CUSTOMER_EMAIL, days=245, preferred_locales=["it"])
        self.card(sofia, days=245, brand="mastercard", last4="4444", exp_month=5, exp_year=2028)
        self.subscribe(sofia, ("business_monthly", 1), ("seat_monthly", 5), when=self.ago(240, 6))

        haruto = self.customer(
            "Haruto Sato",
            "haruto.sato@example.jp",
            days=185,
            currency="jpy",
            address={
                "line1": "2-11-3 Meguro",
                "city": "Meguro-ku",
                "state": "Tokyo",
                "postal_code": "153-0063",
                "country": "JP",
            },
            preferred_locales=["ja"],
        )
        self.card(haruto, days=185, brand="visa", last4="4242", exp_month=1, exp_year=2030)
        self.subscribe(haruto, ("pro_monthly_jpy", 1), when=self.ago(180, 1))

        emma = self.customer("Emma Johansson", "emma.johansson@example.se", days=31, preferred_locales=["sv"])
        self.card(emma, days=31)
        self.subscribe(emma, ("starter_yearly", 1), when=self.ago(30, 8))

        chloe = self.customer("Chloé Martin", "chloe.martin@example.fr", days=76, preferred_locales=["fr"])
        self.card(chloe, days=76, brand="visa", last4="4242", exp_month=9, exp_year=2027)
        chloe_subscription = self.subscribe(chloe, ("starter_monthly", 1), when=self.ago(75, 5))
        self.switch(chloe_subscription, "business_monthly", when=self.ago(20, 2), behavior="always_invoice")

    def edge_cases(self) -> None:
        priya = self.customer("Priya Raman", "priya.raman@example.in", days=5)
        self.card(priya, days=5)
        self.subscribe(priya, ("pro_monthly", 1), when=self.ago(5, 1), trial_days=14)

        diego = self.customer("Diego Alvarez", PAST_DUE_CUSTOMER_EMAIL, days=205, preferred_locales=["es"])
        self.card(diego, days=205)
        self.subscribe(diego, ("pro_monthly", 1), when=self.ago(200, 3))
        # His replacement card is declined, so the renewal after it fails and the subscription is past due.
        self.card(diego, days=18, last4="0341", exp_month=6, exp_year=2028)

        amara = self.customer("Amara Okafor", "amara.okafor@example.ng", days=125)
        self.card(amara, days=125)
        amara_subscription = self.subscribe(amara, ("pro_monthly", 1), when=self.ago(120, 2))

        def cancel_at_period_end(at: int) -> None:
            subscription = amara_subscription()
            change_subscription(
                self.store, subscription, _change(cancel=Cancel(at=None, at_period_end=True)), at=at
            )
            subscription["cancellation_details"].update(
                comment="We're consolidating tools for now.", feedback="too_expensive"
            )

        self.at(self.ago(3, 4), cancel_at_period_end)

        liam = self.customer("Liam O'Brien", "liam.obrien@example.ie", days=305)
        self.card(liam, days=305)
        liam_subscription = self.subscribe(liam, ("starter_monthly", 1), when=self.ago(300, 2))
        self.at(
            self.ago(60, 5),
            lambda at: cancel_now(
                self.store,
                liam_subscription(),
                at=at,
                details={"comment": "Moved our notes to the company wiki.", "feedback": "switched_service"},
            ),
        )

        ethan = self.customer("Ethan Brooks", ONE_OFF_CUSTOMER_EMAIL, days=40)
        self.card(ethan, days=2)

    def one_off_invoice(self) -> None:
        """Ethan's onboarding, billed once: a draft excluding pending items, its lines added by id, then
        finalized and sent, as `createInvoice` makes it."""
        at = self.ago(ONE_OFF_SENT_DAYS_AGO)
        customer = overdue_customer(self.store)
        invoice = invoices.draft(
            self.store, customer=customer, currency="usd", lines=[], at=at, billing_reason="manual"
        )
        invoice.update(collection_method="send_invoice", due_date=at + 30 * DAY, auto_advance=False)
        self.store.add(invoice)
        self.store.emit("invoice.created", invoice)
        for description, amount in ONE_OFF_LINES:
            line = Line(
                amount=amount,
                currency="usd",
                description=description,
                price=None,
                quantity=1,
                start=at,
                end=at,
            )
            item = invoice_items.build(self.store, customer=customer["id"], line=line, at=at)
            invoices.add_item(self.store, invoice, item)
            invoice_items.save(self.store, item)
        invoices.finalize(self.store, invoice, at)
        self.store.emit("invoice.sent", invoice)


def _change(
    *,
    items: list[ItemChange] | None = None,
    cancel: Cancel | None = None,
    proration_behavior: str = "create_prorations",
) -> Change:
    return Change(
        items=items or [],
        proration_behavior=proration_behavior,
        proration_date=None,
        reset_anchor=False,
        end_trial=False,
        cancel=cancel,
    )
