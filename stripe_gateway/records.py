"""Our own frozen records of Stripe objects: what the rest of portalql and the cache see, never SDK objects.

Timestamps are Unix seconds as Stripe sends them; amounts are integers in the currency's minor unit.
A field that Stripe returns only when expanded is `None` when it was not fetched, never an empty tuple.
"""

from __future__ import annotations

from collections.abc import Mapping  # noqa: TC003 - the cache's codec resolves the annotations at runtime
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a Stripe list, newest first."""

    data: tuple[T, ...]
    has_more: bool


@dataclass(frozen=True, slots=True)
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Shipping:
    """Where a customer's goods go, and to whom."""

    address: Address
    name: str | None
    phone: str | None


class TaxIdType(StrEnum):
    """Every type of tax id Stripe knows (its `CustomerTaxIdCreateParams.type`); `UNKNOWN` only on legacy
    ids Stripe reads back, and on any type newer than this list."""

    AD_NRT = "ad_nrt"
    AE_TRN = "ae_trn"
    AL_TIN = "al_tin"
    AM_TIN = "am_tin"
    AO_TIN = "ao_tin"
    AR_CUIT = "ar_cuit"
    AU_ABN = "au_abn"
    AU_ACN = "au_acn"
    AU_ARN = "au_arn"
    AU_WPN = "au_wpn"
    AW_TIN = "aw_tin"
    AZ_TIN = "az_tin"
    BA_TIN = "ba_tin"
    BB_TIN = "bb_tin"
    BD_BIN = "bd_bin"
    BF_IFU = "bf_ifu"
    BG_UIC = "bg_uic"
    BH_VAT = "bh_vat"
    BJ_IFU = "bj_ifu"
    BO_TIN = "bo_tin"
    BR_CNPJ = "br_cnpj"
    BR_CPF = "br_cpf"
    BS_TIN = "bs_tin"
    BW_VAT = "bw_vat"
    BY_TIN = "by_tin"
    CA_BN = "ca_bn"
    CA_GST_HST = "ca_gst_hst"
    CA_PST_BC = "ca_pst_bc"
    CA_PST_MB = "ca_pst_mb"
    CA_PST_SK = "ca_pst_sk"
    CA_QST = "ca_qst"
    CD_NIF = "cd_nif"
    CH_UID = "ch_uid"
    CH_VAT = "ch_vat"
    CI_VAT = "ci_vat"
    CL_TIN = "cl_tin"
    CM_NIU = "cm_niu"
    CN_TIN = "cn_tin"
    CO_NIT = "co_nit"
    CR_TIN = "cr_tin"
    CV_NIF = "cv_nif"
    CZ_DIC = "cz_dic"
    DE_STN = "de_stn"
    DO_RCN = "do_rcn"
    EC_RUC = "ec_ruc"
    EG_TIN = "eg_tin"
    ES_CIF = "es_cif"
    ET_TIN = "et_tin"
    EU_OSS_VAT = "eu_oss_vat"
    EU_VAT = "eu_vat"
    FO_VAT = "fo_vat"
    FR_SIREN = "fr_siren"
    FR_SIRET = "fr_siret"
    FR_SPI = "fr_spi"
    GB_VAT = "gb_vat"
    GE_VAT = "ge_vat"
    GH_TIN = "gh_tin"
    GI_TIN = "gi_tin"
    GN_NIF = "gn_nif"
    HK_BR = "hk_br"
    HR_OIB = "hr_oib"
    HU_TIN = "hu_tin"
    IC_NIF = "ic_nif"
    ID_NPWP = "id_npwp"
    IL_VAT = "il_vat"
    IN_GST = "in_gst"
    IS_KT = "is_kt"
    IS_VAT = "is_vat"
    IT_CF = "it_cf"
    JP_CN = "jp_cn"
    JP_RN = "jp_rn"
    JP_TRN = "jp_trn"
    KE_PIN = "ke_pin"
    KG_TIN = "kg_tin"
    KH_TIN = "kh_tin"
    KR_BRN = "kr_brn"
    KZ_BIN = "kz_bin"
    LA_TIN = "la_tin"
    LI_UID = "li_uid"
    LI_VAT = "li_vat"
    LK_VAT = "lk_vat"
    MA_VAT = "ma_vat"
    MD_CF = "md_cf"
    MD_VAT = "md_vat"
    ME_PIB = "me_pib"
    MK_VAT = "mk_vat"
    MR_NIF = "mr_nif"
    MU_VAT = "mu_vat"
    MX_RFC = "mx_rfc"
    MY_FRP = "my_frp"
    MY_ITN = "my_itn"
    MY_SST = "my_sst"
    MZ_NUIT = "mz_nuit"
    NG_TIN = "ng_tin"
    NO_VAT = "no_vat"
    NO_VOEC = "no_voec"
    NP_PAN = "np_pan"
    NZ_BN = "nz_bn"
    NZ_GST = "nz_gst"
    OM_VAT = "om_vat"
    PE_RUC = "pe_ruc"
    PH_TIN = "ph_tin"
    PL_NIP = "pl_nip"
    PT_NIF = "pt_nif"
    PY_RUC = "py_ruc"
    RO_TIN = "ro_tin"
    RS_PIB = "rs_pib"
    RU_INN = "ru_inn"
    RU_KPP = "ru_kpp"
    SA_VAT = "sa_vat"
    SG_GST = "sg_gst"
    SG_UEN = "sg_uen"
    SI_TIN = "si_tin"
    SM_COE = "sm_coe"
    SN_NINEA = "sn_ninea"
    SR_FIN = "sr_fin"
    SV_NIT = "sv_nit"
    TH_VAT = "th_vat"
    TJ_TIN = "tj_tin"
    TR_TIN = "tr_tin"
    TT_BIR = "tt_bir"
    TT_VAT = "tt_vat"
    TW_VAT = "tw_vat"
    TZ_VAT = "tz_vat"
    UA_VAT = "ua_vat"
    UG_TIN = "ug_tin"
    US_EIN = "us_ein"
    UY_RUC = "uy_ruc"
    UZ_TIN = "uz_tin"
    UZ_VAT = "uz_vat"
    VE_RIF = "ve_rif"
    VN_TIN = "vn_tin"
    ZA_VAT = "za_vat"
    ZM_TIN = "zm_tin"
    ZW_TIN = "zw_tin"
    UNKNOWN = "unknown"


class TaxIdVerificationStatus(StrEnum):
    """Whether the tax authority confirmed the id; Stripe checks a few types (EU and UK VAT, AU ABN)."""

    PENDING = "pending"
    VERIFIED = "verified"
    UNVERIFIED = "unverified"
    UNAVAILABLE = "unavailable"  # Stripe does not verify ids of this type


@dataclass(frozen=True, slots=True)
class TaxId:
    id: str
    type: TaxIdType
    value: str
    country: str | None
    created: int
    verification_status: TaxIdVerificationStatus
    verified_name: str | None = None
    verified_address: str | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    email: str | None
    name: str | None
    phone: str | None
    address: Address | None
    currency: str | None
    balance: int
    created: int
    default_payment_method_id: str | None
    preferred_locales: tuple[str, ...]
    metadata: Mapping[str, str]
    # Present only when the customer was fetched with its subscriptions expanded.
    subscriptions: tuple[Subscription, ...] | None = None
    shipping: Shipping | None = None
    # Present when the customer was fetched with its tax ids expanded (every read of one customer does).
    tax_ids: tuple[TaxId, ...] | None = None
    # Stripe's `delinquent`: an invoice payment failed or an open invoice's due date passed, and no invoice
    # was paid or marked uncollectible since.
    delinquent: bool = False


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    name: str
    description: str | None
    active: bool
    default_price_id: str | None
    metadata: Mapping[str, str]
    # Present only when the product was fetched with its default price expanded (None also when it has none).
    default_price: Price | None = None
    # What one unit is called ("seat"), singular, as the merchant set it in Stripe.
    unit_label: str | None = None

    @property
    def is_add_on(self) -> bool:
        """Sold beside a plan rather than instead of one (seats, storage): the merchant marks it so with the
        product's metadata, which Stripe's own portal ignores."""
        return self.metadata.get(ADD_ON_METADATA_KEY) == "true"


# The product metadata that marks an add-on.
ADD_ON_METADATA_KEY = "portalql_add_on"


class PriceType(StrEnum):
    ONE_TIME = "one_time"
    RECURRING = "recurring"


class Interval(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class UsageType(StrEnum):
    """How a recurring price counts: a set quantity billed ahead, or reported usage billed after."""

    LICENSED = "licensed"
    METERED = "metered"


class TiersMode(StrEnum):
    """How tiers price a quantity: each unit at its own tier's rate, or every unit at the reached tier's."""

    GRADUATED = "graduated"
    VOLUME = "volume"


@dataclass(frozen=True, slots=True)
class Recurring:
    interval: Interval
    interval_count: int
    usage_type: UsageType = UsageType.LICENSED
    # The meter whose usage a metered price bills.
    meter_id: str | None = None


@dataclass(frozen=True, slots=True)
class PriceTier:
    """Units up to `up_to` (None: every unit beyond the tier before) at `unit_amount`, plus `flat_amount`."""

    up_to: int | None
    unit_amount: int | None
    flat_amount: int | None


@dataclass(frozen=True, slots=True)
class Price:
    id: str
    product_id: str
    active: bool
    currency: str
    unit_amount: int | None
    type: PriceType
    recurring: Recurring | None
    lookup_key: str | None
    nickname: str | None
    # Present only when the price was fetched with its product expanded.
    product: Product | None = None
    tiers_mode: TiersMode | None = None
    # Present only when a tiered price was fetched with its tiers expanded (Stripe's includable `tiers`).
    tiers: tuple[PriceTier, ...] | None = None

    @property
    def is_metered(self) -> bool:
        return self.recurring is not None and self.recurring.usage_type is UsageType.METERED


class MeterFormula(StrEnum):
    """How a meter aggregates the events of a window: their values' sum, their number, or the last value."""

    SUM = "sum"
    COUNT = "count"
    LAST = "last"


@dataclass(frozen=True, slots=True)
class Meter:
    id: str
    display_name: str
    event_name: str
    formula: MeterFormula
    active: bool


@dataclass(frozen=True, slots=True)
class MeterUsage:
    """A meter's aggregate for one customer over `[start, end)`."""

    start: int
    end: int
    value: float


class UsageWindow(StrEnum):
    """Stripe's `value_grouping_window`: summaries per UTC hour or per UTC day."""

    HOUR = "hour"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class UsageSeries:
    """A meter's usage for one customer, window by window, oldest first, as Stripe summarised it at `as_of`
    (usage has no webhook per event, so a copy says how old it is)."""

    meter_id: str
    customer_id: str
    as_of: int
    windows: tuple[MeterUsage, ...]

    @property
    def total(self) -> float:
        return sum(window.value for window in self.windows)


@dataclass(frozen=True, slots=True)
class MeterEvent:
    """A usage report as Stripe recorded it; `identifier` makes a retried report count once."""

    identifier: str
    event_name: str
    customer_id: str
    value: float
    timestamp: int
    # True when Stripe already held an event with this identifier: this report was not counted again.
    already_recorded: bool = False


class CreditCategory(StrEnum):
    PAID = "paid"
    PROMOTIONAL = "promotional"


@dataclass(frozen=True, slots=True)
class CreditGrant:
    """Billing credit a customer was granted; it pays metered lines (or only `price_ids`) before the card."""

    id: str
    customer_id: str
    name: str | None
    category: CreditCategory
    currency: str
    amount: int
    priority: int | None
    effective_at: int | None
    expires_at: int | None
    voided_at: int | None
    created: int
    # Empty when the grant applies to every metered price.
    price_ids: tuple[str, ...]

    def usable_at(self, at: int) -> bool:
        return (
            self.voided_at is None
            and (self.effective_at is None or self.effective_at <= at)
            and (self.expires_at is None or at < self.expires_at)
        )


@dataclass(frozen=True, slots=True)
class CreditBalance:
    """A customer's credit in one currency: `available` to spend now, `ledger` including what draft invoices
    hold."""

    currency: str
    available: int
    ledger: int


@dataclass(frozen=True, slots=True)
class CreditSummary:
    """A customer's credit balances (one per currency) as Stripe had them at `as_of`."""

    customer_id: str
    as_of: int
    balances: tuple[CreditBalance, ...]


@dataclass(frozen=True, slots=True)
class CreditLedgerEntry:
    """One movement of a grant: credit granted (positive) or applied to an invoice (negative)."""

    id: str
    grant_id: str
    amount: int
    effective_at: int
    invoice_id: str | None


class BalanceTransactionType(StrEnum):
    ADJUSTMENT = "adjustment"
    APPLIED_TO_INVOICE = "applied_to_invoice"
    CREDIT_NOTE = "credit_note"
    INITIAL = "initial"
    INVOICE_OVERPAID = "invoice_overpaid"
    INVOICE_TOO_LARGE = "invoice_too_large"
    INVOICE_TOO_SMALL = "invoice_too_small"
    MIGRATION = "migration"
    UNAPPLIED_FROM_INVOICE = "unapplied_from_invoice"
    UNSPENT_RECEIVER_CREDIT = "unspent_receiver_credit"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class BalanceTransaction:
    """A change of the customer's cash balance (negative: credit toward the next invoices)."""

    id: str
    amount: int
    currency: str
    type: BalanceTransactionType
    description: str | None
    ending_balance: int
    invoice_id: str | None
    created: int


class SubscriptionStatus(StrEnum):
    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    UNPAID = "unpaid"
    PAUSED = "paused"


# Statuses from which a subscription never comes back: it bills no more and nothing about it can change.
ENDED_STATUSES = frozenset({SubscriptionStatus.CANCELED, SubscriptionStatus.INCOMPLETE_EXPIRED})
# Statuses in which the latest invoice is open and waits to be paid.
AWAITING_PAYMENT_STATUSES = frozenset(
    {SubscriptionStatus.PAST_DUE, SubscriptionStatus.UNPAID, SubscriptionStatus.INCOMPLETE}
)


class CancellationFeedback(StrEnum):
    """Stripe's eight reasons a customer can give for cancelling."""

    CUSTOMER_SERVICE = "customer_service"
    LOW_QUALITY = "low_quality"
    MISSING_FEATURES = "missing_features"
    OTHER = "other"
    SWITCHED_SERVICE = "switched_service"
    TOO_COMPLEX = "too_complex"
    TOO_EXPENSIVE = "too_expensive"
    UNUSED = "unused"


class CancelMode(StrEnum):
    """When a cancellation takes effect, as a portal configuration's `subscription_cancel.mode` says."""

    AT_PERIOD_END = "at_period_end"
    IMMEDIATELY = "immediately"


@dataclass(frozen=True, slots=True)
class CancellationDetails:
    reason: str | None  # why Stripe cancelled: cancellation_requested, payment_failed, ...
    feedback: CancellationFeedback | None
    comment: str | None


class PauseBehavior(StrEnum):
    """What happens to the invoices of a subscription whose payment collection is paused."""

    KEEP_AS_DRAFT = "keep_as_draft"
    MARK_UNCOLLECTIBLE = "mark_uncollectible"
    VOID = "void"


@dataclass(frozen=True, slots=True)
class PauseCollection:
    """Stripe's `pause_collection`: renewals go on but nothing is charged until `resumes_at` (None: until
    resumed by hand)."""

    behavior: PauseBehavior
    resumes_at: int | None


@dataclass(frozen=True, slots=True)
class SubscriptionItem:
    id: str
    subscription_id: str
    price: Price
    quantity: int
    current_period_start: int
    current_period_end: int


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    customer_id: str
    status: SubscriptionStatus
    items: tuple[SubscriptionItem, ...]
    currency: str
    created: int
    start_date: int
    cancel_at_period_end: bool
    cancel_at: int | None
    canceled_at: int | None
    ended_at: int | None
    cancellation_details: CancellationDetails
    trial_start: int | None
    trial_end: int | None
    latest_invoice_id: str | None
    default_payment_method_id: str | None
    collection_method: str
    metadata: Mapping[str, str]
    pause_collection: PauseCollection | None = None
    # The ids of the discounts (`di_…`) applied to the whole subscription.
    discount_ids: tuple[str, ...] = ()

    @property
    def is_paused(self) -> bool:
        """Payment collection is paused: renewals charge nothing until it resumes."""
        return self.pause_collection is not None

    @property
    def paused_since(self) -> int | None:
        """When portalql paused it (kept in its metadata); None when not paused, or paused elsewhere."""
        value = self.metadata.get(PAUSED_AT_METADATA) if self.is_paused else None
        return int(value) if value is not None and value.isdigit() else None

    @property
    def monthly_amount(self) -> int:
        """What the subscription bills a month at list price (a yearly price counts a twelfth), before
        discounts: the revenue a retention offer keeps."""
        total = 0
        for item in self.items:
            recurring, amount = item.price.recurring, item.price.unit_amount or 0
            if recurring is None:
                continue
            per_month = {
                Interval.DAY: 30,
                Interval.WEEK: 4,
                Interval.MONTH: 1,
                Interval.YEAR: 1 / 12,
            }[recurring.interval] / recurring.interval_count
            total += round(amount * item.quantity * per_month)
        return total

    # The subscription schedule that manages it (a change waiting for the end of the period), if any.
    schedule_id: str | None = None

    @property
    def has_scheduled_change(self) -> bool:
        """A schedule manages it: a change is set to take effect at the end of the period."""
        return self.schedule_id is not None

    @property
    def current_period_start(self) -> int | None:
        """The start of the current period: the latest item start (items differ on mixed intervals)."""
        return max((item.current_period_start for item in self.items), default=None)

    @property
    def current_period_end(self) -> int | None:
        """When the subscription next renews: the earliest period end among its items."""
        return min((item.current_period_end for item in self.items), default=None)

    @property
    def has_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def is_scheduled_to_cancel(self) -> bool:
        """Set to cancel, at the period's end or at a chosen instant."""
        return self.cancel_at_period_end or self.cancel_at is not None

    @property
    def awaits_payment(self) -> bool:
        """Its latest invoice is unpaid: a renewal or the first payment failed or waits for the customer."""
        return self.status in AWAITING_PAYMENT_STATUSES

    @property
    def invoices_again(self) -> bool:
        """Whether it has an upcoming invoice to preview, as far as the record tells without asking Stripe."""
        return not self.has_ended and not self.cancel_at_period_end


# The metadata key that records when portalql paused a subscription's payment collection (Unix seconds).
PAUSED_AT_METADATA = "portalql_paused_at"


class CouponDuration(StrEnum):
    ONCE = "once"
    REPEATING = "repeating"
    FOREVER = "forever"


@dataclass(frozen=True, slots=True)
class Coupon:
    """A discount applied to invoices: `percent_off`, or `amount_off` in `currency`; for one invoice,
    `duration_in_months`, or forever."""

    id: str
    name: str | None
    percent_off: float | None
    amount_off: int | None
    currency: str | None
    duration: CouponDuration
    duration_in_months: int | None
    created: int


@dataclass(frozen=True, slots=True)
class CouponSpec:
    """A coupon to create."""

    name: str
    percent_off: float | None
    amount_off: int | None
    currency: str | None
    duration: CouponDuration
    duration_in_months: int | None


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    UNCOLLECTIBLE = "uncollectible"
    VOID = "void"


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    id: str
    amount: int
    currency: str
    description: str | None
    quantity: int | None
    period_start: int
    period_end: int
    price_id: str | None
    product_id: str | None
    proration: bool
    subscription_id: str | None
    subscription_item_id: str | None
    # An invoice item's line carries the item's metadata.
    metadata: Mapping[str, str] = field(default_factory=dict)


class CollectionMethod(StrEnum):
    """How an invoice is paid: Stripe charges the customer's default payment method, or emails the invoice
    for the customer to pay on its hosted page by the due date."""

    CHARGE_AUTOMATICALLY = "charge_automatically"
    SEND_INVOICE = "send_invoice"


@dataclass(frozen=True, slots=True)
class NewInvoiceItem:
    """One line of a one-off invoice: a price (times `quantity`), or an amount with its description."""

    description: str | None = None
    amount: int | None = None
    currency: str | None = None
    price_id: str | None = None
    quantity: int | None = None


class InvoicePaymentStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    CANCELED = "canceled"


@dataclass(frozen=True, slots=True)
class InvoicePayment:
    id: str
    invoice_id: str
    amount_paid: int | None
    amount_requested: int
    currency: str
    status: InvoicePaymentStatus
    is_default: bool
    payment_intent_id: str | None
    charge_id: str | None
    paid_at: int | None


# Stripe's previews of upcoming invoices carry ids of their own, never fetchable by id.
_PREVIEW_ID_PREFIX = "upcoming_in"
# Stripe's `billing_reason` of an invoice made (and charged) at the moment of a subscription change.
_BILLED_AT_CHANGE = "subscription_update"


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice, or an invoice preview (`id` then starts with `upcoming_in`, and `number` is None)."""

    id: str
    customer_id: str
    subscription_id: str | None
    status: InvoiceStatus | None
    number: str | None
    currency: str
    amount_due: int
    amount_paid: int
    amount_remaining: int
    subtotal: int
    total: int
    created: int
    period_start: int
    period_end: int
    due_date: int | None
    paid_at: int | None
    billing_reason: str | None
    hosted_invoice_url: str | None
    invoice_pdf: str | None
    lines: tuple[InvoiceLine, ...]
    lines_has_more: bool
    # Present only when fetched with `payments` included.
    payments: tuple[InvoicePayment, ...] | None = None
    # The customer's balance before this invoice (negative: credit the customer holds).
    starting_balance: int = 0

    @property
    def balance_applied(self) -> int:
        """The customer's credit taken off this invoice's total: what it bills less what is due."""
        if self.starting_balance >= 0 or self.total <= 0:
            return 0
        return min(-self.starting_balance, self.total)

    # Billing credit (credit grants) taken off the subtotal before the total.
    credited: int = 0
    # Previews only: when Stripe made it (it bills usage so far, which no webhook says has grown).
    as_of: int | None = None

    @property
    def is_preview(self) -> bool:
        """A preview of an invoice to come: nothing has paid it, and Stripe cannot fetch it by id."""
        return self.id.startswith(_PREVIEW_ID_PREFIX)

    @property
    def billed_now(self) -> bool:
        """Made and charged at the moment of a subscription change, rather than at a renewal."""
        return self.billing_reason == _BILLED_AT_CHANGE


class PaymentMethodType(StrEnum):
    CARD = "card"
    SEPA_DEBIT = "sepa_debit"
    US_BANK_ACCOUNT = "us_bank_account"
    LINK = "link"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Card:
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    funding: str | None
    country: str | None
    wallet: str | None


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    id: str
    customer_id: str | None
    type: PaymentMethodType
    card: Card | None
    billing_name: str | None
    billing_email: str | None
    created: int


@dataclass(frozen=True, slots=True)
class Charge:
    id: str
    amount: int
    amount_captured: int
    amount_refunded: int
    refunded: bool
    disputed: bool
    currency: str
    status: str
    customer_id: str | None
    payment_intent_id: str | None
    payment_method_id: str | None
    receipt_url: str | None
    created: int

    @property
    def refundable_amount(self) -> int:
        return self.amount_captured - self.amount_refunded


@dataclass(frozen=True, slots=True)
class PaymentError:
    """Why the last attempt to pay or to save a card failed, from Stripe's `last_payment_error` or
    `last_setup_error`: `message` is written for the customer; `decline_code` is the issuer's reason."""

    code: str | None
    decline_code: str | None
    message: str | None


@dataclass(frozen=True, slots=True)
class PaymentIntent:
    id: str
    amount: int
    amount_received: int
    currency: str
    status: str
    customer_id: str | None
    latest_charge_id: str | None
    payment_method_id: str | None
    created: int
    # For Stripe.js only: it lets a browser confirm the intent or run its next action (3-D Secure).
    client_secret: str | None = None
    last_payment_error: PaymentError | None = None

    @property
    def requires_action(self) -> bool:
        """Waiting for the customer (3-D Secure) before it can succeed."""
        return self.status == "requires_action"

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


class SetupIntentStatus(StrEnum):
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    CANCELED = "canceled"
    SUCCEEDED = "succeeded"


@dataclass(frozen=True, slots=True)
class SetupIntent:
    """A card being saved for later payments; the browser confirms it with Stripe.js."""

    id: str
    customer_id: str | None
    status: SetupIntentStatus
    client_secret: str | None
    payment_method_id: str | None
    usage: str
    last_setup_error: PaymentError | None
    created: int
    metadata: Mapping[str, str] = field(default_factory=dict)


class RefundReason(StrEnum):
    DUPLICATE = "duplicate"
    FRAUDULENT = "fraudulent"
    REQUESTED_BY_CUSTOMER = "requested_by_customer"


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    amount: int
    currency: str
    status: str
    reason: str | None
    charge_id: str | None
    payment_intent_id: str | None
    created: int
    metadata: Mapping[str, str]
    # Present only when the refund was fetched with its charge expanded: the charge names the customer.
    charge: Charge | None = None


# -- billing portal ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BusinessProfile:
    headline: str | None
    privacy_policy_url: str | None
    terms_of_service_url: str | None


@dataclass(frozen=True, slots=True)
class PortalProduct:
    """A product whose prices customers may switch between, and which of its prices they may pick."""

    product_id: str
    price_ids: tuple[str, ...]
    adjustable_quantity: bool = False
    minimum_quantity: int | None = None
    maximum_quantity: int | None = None


class ProrationBehavior(StrEnum):
    """How a change in the middle of a period is charged for."""

    ALWAYS_INVOICE = "always_invoice"  # prorate, and invoice the difference at once
    CREATE_PRORATIONS = "create_prorations"  # prorate; the difference goes on the next invoice
    NONE = "none"  # no proration


@dataclass(frozen=True, slots=True)
class PauseDuration:
    """A preset pause length a portal configuration offers: `interval_count` days, weeks, months or years."""

    interval: Interval
    interval_count: int


class CustomerDetail(StrEnum):
    """A detail a portal configuration may let customers change (`customer_update.allowed_updates`)."""

    ADDRESS = "address"
    EMAIL = "email"
    NAME = "name"
    PHONE = "phone"
    SHIPPING = "shipping"
    TAX_ID = "tax_id"


class SubscriptionUpdateKind(StrEnum):
    """A change a portal configuration may let customers make (`default_allowed_updates`)."""

    PRICE = "price"
    PROMOTION_CODE = "promotion_code"
    QUANTITY = "quantity"


@dataclass(frozen=True, slots=True)
class PortalFeatures:
    customer_update_enabled: bool
    customer_update_allowed: tuple[CustomerDetail, ...]
    invoice_history_enabled: bool
    payment_method_update_enabled: bool
    subscription_cancel_enabled: bool
    subscription_cancel_mode: CancelMode
    subscription_cancel_proration_behavior: ProrationBehavior  # none | create_prorations
    cancellation_reason_enabled: bool
    cancellation_reason_options: tuple[CancellationFeedback, ...]
    subscription_update_enabled: bool
    subscription_update_allowed: tuple[SubscriptionUpdateKind, ...]
    subscription_update_products: tuple[PortalProduct, ...]
    subscription_update_proration_behavior: ProrationBehavior
    subscription_pause_enabled: bool = False
    # How long a customer may pause: indefinitely, or one of the preset lengths (empty when indefinite).
    subscription_pause_indefinite: bool = False
    subscription_pause_durations: tuple[PauseDuration, ...] = ()

    # Whether a change restarts the billing cycle now (Stripe's `billing_cycle_anchor`: now | unchanged).
    subscription_update_resets_billing_cycle: bool = False
    # What a change does to a trial (Stripe's `trial_update_behavior`; its default ends it).
    subscription_update_ends_trial: bool = True
    # Which changes wait for the end of the period (Stripe's `schedule_at_period_end.conditions`).
    subscription_update_scheduled_when: tuple[ScheduleCondition, ...] = ()


class ScheduleCondition(StrEnum):
    """When a portal configuration defers a change to the end of the period."""

    DECREASING_ITEM_AMOUNT = "decreasing_item_amount"
    SHORTENING_INTERVAL = "shortening_interval"


@dataclass(frozen=True, slots=True)
class PortalConfiguration:
    id: str
    name: str | None
    active: bool
    is_default: bool
    business_profile: BusinessProfile
    default_return_url: str | None
    features: PortalFeatures
    created: int
    metadata: Mapping[str, str] = field(default_factory=dict)
    # Stripe's `login_page.enabled`: customers may sign in by email at a permanent URL.
    login_page_enabled: bool = False


@dataclass(frozen=True, slots=True)
class AccountBranding:
    """The account's name and brand (`settings.branding`): the logo and icon as public file-link URLs,
    colours as `#rrggbb`."""

    display_name: str | None
    logo_url: str | None
    icon_url: str | None
    primary_color: str | None
    secondary_color: str | None


class PortalFlowType(StrEnum):
    PAYMENT_METHOD_UPDATE = "payment_method_update"
    SUBSCRIPTION_CANCEL = "subscription_cancel"
    SUBSCRIPTION_PAUSE = "subscription_pause"
    SUBSCRIPTION_UPDATE = "subscription_update"
    SUBSCRIPTION_UPDATE_CONFIRM = "subscription_update_confirm"


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item of a plan change: which subscription item moves to which price and quantity; without an
    item, a price added; with `deleted`, the item removed."""

    item_id: str | None
    price_id: str | None
    quantity: int | None = None
    deleted: bool = False


class PortalFlowCompletion(StrEnum):
    """What a portal shows once a deep-linked flow succeeded (Stripe's `flow_data.after_completion.type`)."""

    HOSTED_CONFIRMATION = "hosted_confirmation"  # a confirmation, with the merchant's message
    PORTAL_HOMEPAGE = "portal_homepage"
    REDIRECT = "redirect"  # straight back to the merchant's URL


@dataclass(frozen=True, slots=True)
class PortalFlow:
    """A deep link into one step of a portal (Stripe's `flow_data`)."""

    type: PortalFlowType
    subscription_id: str | None = None
    items: tuple[ItemChange, ...] = ()
    after_completion_redirect_url: str | None = None
    # A cancel flow's retention offer: the coupon Stripe's portal offers before the customer cancels.
    retention_coupon_id: str | None = None
    after_completion: PortalFlowCompletion = PortalFlowCompletion.PORTAL_HOMEPAGE
    # With HOSTED_CONFIRMATION: the merchant's message (Stripe's `hosted_confirmation.custom_message`).
    confirmation_message: str | None = None


@dataclass(frozen=True, slots=True)
class StripePortalSession:
    id: str
    url: str
    customer_id: str
    configuration_id: str
    return_url: str | None
    locale: str | None
    created: int


# -- writes -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerUpdate:
    """The customer fields a portal may let a customer change; `None` leaves a field as it is."""

    email: str | None = None
    name: str | None = None
    phone: str | None = None
    address: Address | None = None
    # Keys to set (a value) or remove (""); the other keys are left as they are.
    metadata: Mapping[str, str] | None = None
    shipping: Shipping | None = None


# -- events -------------------------------------------------------------------------------------------------


class ChangedField(StrEnum):
    """A field an `*.updated` event reports changed, among those portalql acts on (others are left out)."""

    # subscriptions
    STATUS = "status"
    CANCEL_AT_PERIOD_END = "cancel_at_period_end"
    CANCEL_AT = "cancel_at"
    CANCELED_AT = "canceled_at"
    CANCELLATION_DETAILS = "cancellation_details"
    PAUSE_COLLECTION = "pause_collection"
    ITEMS = "items"
    DEFAULT_PAYMENT_METHOD = "default_payment_method"
    # customers (their default payment method is in `invoice_settings`)
    EMAIL = "email"
    NAME = "name"
    PHONE = "phone"
    ADDRESS = "address"
    SHIPPING = "shipping"
    INVOICE_SETTINGS = "invoice_settings"
    # payment methods (detached from their customer) and charges
    CUSTOMER = "customer"
    AMOUNT_REFUNDED = "amount_refunded"


# The objects an event can be about that portalql reads into records; others (products, prices, portal
# configurations) it only needs the id of.
EventSubject = Subscription | Customer | PaymentMethod | Charge | Refund | Invoice | SetupIntent | CreditGrant


@dataclass(frozen=True, slots=True)
class Event:
    """A Stripe event, its object read into a record. `payload` is Stripe's JSON, only to be stored."""

    id: str
    type: str
    created: int
    object_id: str | None
    customer_id: str | None
    # The object the event is about, as it is after the change; None when portalql keeps no record of it.
    subject: EventSubject | None
    # For an `*.updated` event: the subject as it was before the change (fields not in `changed` as they are).
    previous: EventSubject | None
    changed: frozenset[ChangedField]
    # Whether a write of portalql's caused it (portalql audits that write itself).
    made_by_portalql: bool
    payload: Mapping[str, object]
    # For portalql's write: the digests of the keys it may have been sent under (`params.caller_key_digest` of
    # the key the caller gave the gateway), so that the write's audit entry is found by its key.
    write_key_digests: frozenset[str] = frozenset()
