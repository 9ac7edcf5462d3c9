"""`TaxId`: a customer's tax identification number, as Stripe keeps and verifies it."""

from datetime import datetime

import strawberry
from babel import Locale

from schema.enum_types import graphql_enum
from schema.fields import field
from schema.scalars import instant
from stripe_gateway import records

_EUROPEAN_UNION = "European Union"


def _describe(tax_type: records.TaxIdType) -> str:
    """ "United Kingdom: VAT number (`gb_vat`)", from the type's country code and kind."""
    if tax_type is records.TaxIdType.UNKNOWN:
        return "A legacy tax ID of a type Stripe no longer names, or one newer than this API."
    country_code, kind = tax_type.value.split("_", 1)
    country = (
        _EUROPEAN_UNION
        if country_code == "eu"
        else Locale("en").territories.get(country_code.upper(), country_code.upper())
    )
    return f"{country}: {kind.replace('_', ' ').upper()} number (`{tax_type.value}`)."


graphql_enum(
    records.TaxIdType,
    description="The kind of a tax ID, as Stripe names it (`eu_vat`, `gb_vat`, `us_ein`, …).",
    values={member: _describe(member) for member in records.TaxIdType},
)

graphql_enum(
    records.TaxIdVerificationStatus,
    description="Whether the tax authority confirmed a tax ID. Stripe checks EU and UK VAT numbers and "
    "Australian ABNs, which are PENDING for a while after they are added.",
    values={
        records.TaxIdVerificationStatus.PENDING: "Being checked with the tax authority.",
        records.TaxIdVerificationStatus.VERIFIED: "The tax authority confirmed it.",
        records.TaxIdVerificationStatus.UNVERIFIED: "The tax authority does not know it.",
        records.TaxIdVerificationStatus.UNAVAILABLE: "Not checked: Stripe does not verify this type.",
    },
)


@strawberry.type(description="A tax ID of a customer; shown on their invoices.")
class TaxId:
    record: strawberry.Private[records.TaxId]

    @classmethod
    def of(cls, record: records.TaxId) -> "TaxId":
        return cls(record=record)

    @field("The tax ID's id (`txi_…`).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @field("Its kind.")
    def type(self) -> records.TaxIdType:
        return self.record.type

    @field("The number, as entered.")
    def value(self) -> str:
        return self.record.value

    @field("The country it was issued in (ISO 3166-1 alpha-2); null for EU-wide kinds.")
    def country(self) -> str | None:
        return self.record.country

    @field("Whether the tax authority confirmed it.")
    def verification_status(self) -> records.TaxIdVerificationStatus:
        return self.record.verification_status

    @field("The name the tax authority has for it, once verified.")
    def verified_name(self) -> str | None:
        return self.record.verified_name

    @field("The address the tax authority has for it, once verified.")
    def verified_address(self) -> str | None:
        return self.record.verified_address

    @field("When it was added.")
    def created(self) -> datetime:
        return instant(self.record.created)
