"""Customer tax ids: `/v1/customers/{id}/tax_ids` (create, list, retrieve, delete), and the customer's
`tax_ids` includable.

Values of the common types are checked for their format as Stripe does (`tax_id_invalid` on `value`).
Stripe verifies some types with the tax authority after the id is created: `eu_vat`, `gb_vat` and
`au_abn` start `pending` and, as in test mode, are settled by time passing on the clock (`VERIFIED_AFTER`
seconds later, with `customer.tax_id.updated`): a value ending in `111111111` comes back `unverified`,
any other `verified` with the customer's name and address. Other types are `unavailable`.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from stripe_sandbox import clock
from stripe_sandbox.routing import Call, router
from stripe_sandbox.store import includable
from stripe_sandbox.wire import StripeObject, invalid, list_object, missing, reject_unknown, require_str

if TYPE_CHECKING:
    from stripe_sandbox.store import Store

# Stripe's limit on tax ids per customer.
MAX_PER_CUSTOMER = 25
# How long the tax authority takes to answer, in the sandbox.
VERIFIED_AFTER = 60
VERIFIED_TYPES = frozenset({"eu_vat", "gb_vat", "au_abn"})
UNVERIFIED_SUFFIX = "111111111"

_EU_PREFIXES = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "EL",
    "ES",
    "FI",
    "FR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "XI",
]
# Member states whose VAT numbers have their exact format checked; the others only their prefix.
_CHECKED_EU_PREFIXES = ("DE", "AT", "FR", "NL", "IT", "ES", "BE")
# The formats of the common types, from the examples in Stripe's list of supported tax ids.
_FORMATS = {
    "eu_vat": re.compile(
        r"DE\d{9}|ATU\d{8}|FR[0-9A-Z]{2}\d{9}|NL\d{9}B\d{2}|IT\d{11}|ES[0-9A-Z]\d{7}[0-9A-Z]|BE[01]\d{9}"
        rf"|(?:{'|'.join(p for p in _EU_PREFIXES if p not in _CHECKED_EU_PREFIXES)})[0-9A-Z]{{2,13}}"
    ),
    "gb_vat": re.compile(r"GB(?:\d{9}|\d{12}|GD\d{3}|HA\d{3})"),
    "us_ein": re.compile(r"\d{2}-?\d{7}"),
    "au_abn": re.compile(r"\d{11}"),
    "au_arn": re.compile(r"\d{12}"),
    "ca_bn": re.compile(r"\d{9}"),
    "ca_gst_hst": re.compile(r"\d{9}RT\d{4}"),
    "ch_vat": re.compile(r"CHE-?\d{3}\.?\d{3}\.?\d{3} ?(?:MWST|TVA|IVA)"),
    "no_vat": re.compile(r"\d{9}MVA"),
    "in_gst": re.compile(r"\d{2}[A-Z]{5}\d{4}[A-Z][0-9A-Z]Z[0-9A-Z]"),
    "jp_cn": re.compile(r"\d{13}"),
    "nz_gst": re.compile(r"\d{8,9}"),
    "za_vat": re.compile(r"4\d{9}"),
    "br_cnpj": re.compile(r"\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}"),
    "br_cpf": re.compile(r"\d{3}\.?\d{3}\.?\d{3}-?\d{2}"),
    "mx_rfc": re.compile(r"[A-Z&Ñ]{3,4}\d{6}[A-Z0-9]{3}"),
    "sg_gst": re.compile(r"M\d{8}[A-Z]"),
    "es_cif": re.compile(r"[A-Z]\d{8}"),
}


def _country(tax_type: str, value: str) -> str | None:
    if tax_type == "eu_vat":
        prefix = value[:2]
        return {"EL": "GR", "XI": "GB"}.get(prefix, prefix)
    if tax_type == "eu_oss_vat":
        return None
    return tax_type.split("_", 1)[0].upper()


def _verification(tax_type: str) -> StripeObject:
    status = "pending" if tax_type in VERIFIED_TYPES else "unavailable"
    return {"status": status, "verified_address": None, "verified_name": None}


def customer_tax_ids(store: Store, customer_id: str) -> list[StripeObject]:
    return [t for t in store.iter_type("tax_id") if t["customer"] == customer_id and not t.get("deleted")]


def new_tax_id(
    store: Store, customer: StripeObject, tax_type: str, value: str, *, created: int | None = None
) -> StripeObject:
    """Store a valid tax id for the customer and emit `customer.tax_id.created` (the seed uses this)."""
    pattern = _FORMATS.get(tax_type)
    if pattern is not None and not pattern.fullmatch(value):
        raise invalid(f"Invalid value for {tax_type}.", param="value", code="tax_id_invalid")
    if len(customer_tax_ids(store, customer["id"])) >= MAX_PER_CUSTOMER:
        raise invalid(f"A customer can have at most {MAX_PER_CUSTOMER} tax IDs.", param="customer")
    tax_id: StripeObject = {
        "id": store.new_id("txi"),
        "object": "tax_id",
        "country": _country(tax_type, value),
        "created": store.now() if created is None else created,
        "customer": customer["id"],
        "customer_account": None,
        "livemode": False,
        "owner": {"customer": customer["id"], "type": "customer", "customer_account": None},
        "type": tax_type,
        "value": value,
        "verification": _verification(tax_type),
    }
    store.add(tax_id)
    store.emit("customer.tax_id.created", tax_id)
    return tax_id


def _owned(call: Call) -> StripeObject:
    customer = call.store.get(call["customer"], "customer", param="customer")
    found = call.store.find(call["id"])
    if found is None or found.get("object") != "tax_id" or found["customer"] != customer["id"]:
        raise missing("tax_id", call["id"])
    if found.get("deleted"):
        raise missing("tax_id", call["id"])
    return found


# -- endpoints ------------------------------------------------------------------------------------------


@router.post("/v1/customers/{customer}/tax_ids")
def create_tax_id(call: Call) -> StripeObject:
    reject_unknown(call.params, ("type", "value", "expand"))
    customer = call.store.get(call["customer"], "customer", param="customer")
    tax_type = require_str(call.params, "type")
    if tax_type not in TAX_ID_TYPES:
        raise invalid(f"Invalid type: must be one of {', '.join(sorted(TAX_ID_TYPES))}", param="type")
    value = require_str(call.params, "value").strip()
    return new_tax_id(call.store, customer, tax_type, value)


@router.get("/v1/customers/{customer}/tax_ids")
def list_tax_ids(call: Call) -> StripeObject:
    reject_unknown(call.params, ("ending_before", "expand", "limit", "starting_after"))
    customer = call.store.get(call["customer"], "customer", param="customer")
    found = customer_tax_ids(call.store, customer["id"])
    return list_object(found, call.params, f"/v1/customers/{customer['id']}/tax_ids")


@router.get("/v1/customers/{customer}/tax_ids/{id}")
def retrieve_tax_id(call: Call) -> StripeObject:
    reject_unknown(call.params, ("expand",))
    return _owned(call)


@router.delete("/v1/customers/{customer}/tax_ids/{id}")
def delete_tax_id(call: Call) -> StripeObject:
    reject_unknown(call.params, ())
    tax_id = _owned(call)
    call.store.emit("customer.tax_id.deleted", tax_id)
    tax_id["deleted"] = True
    return {"id": tax_id["id"], "object": "tax_id", "deleted": True}


@includable("customer", "tax_ids")
def customer_tax_id_list(store: Store, customer: StripeObject) -> StripeObject:
    found = customer_tax_ids(store, customer["id"])
    return list_object(found, {"limit": MAX_PER_CUSTOMER}, f"/v1/customers/{customer['id']}/tax_ids")


# -- verification ---------------------------------------------------------------------------------------


def _settle(store: Store, tax_id: StripeObject) -> None:
    customer = store.get(tax_id["customer"], "customer")
    before = {**tax_id, "verification": dict(tax_id["verification"])}
    if tax_id["value"].endswith(UNVERIFIED_SUFFIX):
        tax_id["verification"] = {"status": "unverified", "verified_address": None, "verified_name": None}
    else:
        address = customer.get("address") or {}
        lines = [address.get(k) for k in ("line1", "line2", "postal_code", "city", "country")]
        tax_id["verification"] = {
            "status": "verified",
            "verified_address": ", ".join(line for line in lines if line) or None,
            "verified_name": customer.get("name"),
        }
    store.emit_changes("customer.tax_id.updated", before, tax_id)


@clock.scheduler
def _due(store: Store, to: int) -> clock.Task | None:
    """The earliest pending verification that the tax authority has answered by `to`."""
    earliest: clock.Task | None = None
    for tax_id in store.iter_type("tax_id"):
        if tax_id.get("deleted") or tax_id["verification"]["status"] != "pending":
            continue
        when = tax_id["created"] + VERIFIED_AFTER
        if when <= to and (earliest is None or when < earliest[0]):
            earliest = (when, 2, functools.partial(_settle, store, tax_id))
    return earliest


# Every type Stripe accepts on creation (the SDK's `CustomerTaxIdCreateParams.type`).
TAX_ID_TYPES = frozenset(
    [
        "ad_nrt",
        "ae_trn",
        "al_tin",
        "am_tin",
        "ao_tin",
        "ar_cuit",
        "au_abn",
        "au_acn",
        "au_arn",
        "au_wpn",
        "aw_tin",
        "az_tin",
        "ba_tin",
        "bb_tin",
        "bd_bin",
        "bf_ifu",
        "bg_uic",
        "bh_vat",
        "bj_ifu",
        "bo_tin",
        "br_cnpj",
        "br_cpf",
        "bs_tin",
        "bw_vat",
        "by_tin",
        "ca_bn",
        "ca_gst_hst",
        "ca_pst_bc",
        "ca_pst_mb",
        "ca_pst_sk",
        "ca_qst",
        "cd_nif",
        "ch_uid",
        "ch_vat",
        "ci_vat",
        "cl_tin",
        "cm_niu",
        "cn_tin",
        "co_nit",
        "cr_tin",
        "cv_nif",
        "cz_dic",
        "de_stn",
        "do_rcn",
        "ec_ruc",
        "eg_tin",
        "es_cif",
        "et_tin",
        "eu_oss_vat",
        "eu_vat",
        "fo_vat",
        "fr_siren",
        "fr_siret",
        "fr_spi",
        "gb_vat",
        "ge_vat",
        "gh_tin",
        "gi_tin",
        "gn_nif",
        "hk_br",
        "hr_oib",
        "hu_tin",
        "ic_nif",
        "id_npwp",
        "il_vat",
        "in_gst",
        "is_kt",
        "is_vat",
        "it_cf",
        "jp_cn",
        "jp_rn",
        "jp_trn",
        "ke_pin",
        "kg_tin",
        "kh_tin",
        "kr_brn",
        "kz_bin",
        "la_tin",
        "li_uid",
        "li_vat",
        "lk_vat",
        "ma_vat",
        "md_cf",
        "md_vat",
        "me_pib",
        "mk_vat",
        "mr_nif",
        "mu_vat",
        "mx_rfc",
        "my_frp",
        "my_itn",
        "my_sst",
        "mz_nuit",
        "ng_tin",
        "no_vat",
        "no_voec",
        "np_pan",
        "nz_bn",
        "nz_gst",
        "om_vat",
        "pe_ruc",
        "ph_tin",
        "pl_nip",
        "pt_nif",
        "py_ruc",
        "ro_tin",
        "rs_pib",
        "ru_inn",
        "ru_kpp",
        "sa_vat",
        "sg_gst",
        "sg_uen",
        "si_tin",
        "sm_coe",
        "sn_ninea",
        "sr_fin",
        "sv_nit",
        "th_vat",
        "tj_tin",
        "tr_tin",
        "tt_bir",
        "tt_vat",
        "tw_vat",
        "tz_vat",
        "ua_vat",
        "ug_tin",
        "us_ein",
        "uy_ruc",
        "uz_tin",
        "uz_vat",
        "ve_rif",
        "vn_tin",
        "za_vat",
        "zm_tin",
        "zw_tin",
    ]
)
