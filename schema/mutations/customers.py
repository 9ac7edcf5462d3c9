"""`updateCustomer`: the customer's contact details."""

from typing import Annotated

import strawberry

from resolvers.mutations import customer_changes
from schema.context import Info
from schema.customers import Customer
from schema.user_errors import UserError, user_errors
from stripe_gateway import records


@strawberry.input(description="A postal address; it replaces the current one as a whole.")
class AddressInput:
    line1: str | None = strawberry.field(default=None, description="Street and number.")
    line2: str | None = strawberry.field(default=None, description="Apartment, suite, building.")
    city: str | None = strawberry.field(default=None, description="City or town.")
    state: str | None = strawberry.field(default=None, description="State, county, province or region.")
    postal_code: str | None = strawberry.field(default=None, description="ZIP or postal code.")
    country: str | None = strawberry.field(
        default=None, description="The country, as a two-letter ISO 3166-1 code such as `US`."
    )


@strawberry.input(description="Where deliveries go; it replaces the current shipping details as a whole.")
class ShippingInput:
    name: str = strawberry.field(description="Who receives them (1 to 256 characters).")
    phone: str | None = strawberry.field(default=None, description="A phone number for the delivery.")
    address: AddressInput = strawberry.field(description="The delivery address; `line1` is required.")


@strawberry.input(
    description="New contact details; fields left null stay as they are. A customer session may change "
    "only the fields the portal configuration allows."
)
class UpdateCustomerInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The customer (`cus_…`); required with an API key, a customer session's own by default.",
    )
    email: str | None = strawberry.field(default=None, description="The email address invoices go to.")
    name: str | None = strawberry.field(default=None, description="The full name or business name.")
    phone: str | None = strawberry.field(default=None, description="The phone number.")
    address: AddressInput | None = strawberry.field(default=None, description="The billing address.")
    shipping: ShippingInput | None = strawberry.field(
        default=None, description="Where deliveries go (the configuration's `shipping` update)."
    )


@strawberry.type(description="The result of `updateCustomer`.")
class UpdateCustomerPayload:
    customer: Customer | None = strawberry.field(description="The customer as it is now; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


def _address(given: AddressInput | None) -> records.Address | None:
    if given is None:
        return None
    return records.Address(
        line1=given.line1,
        line2=given.line2,
        city=given.city,
        state=given.state,
        postal_code=given.postal_code,
        country=given.country,
    )


def _shipping(given: ShippingInput | None) -> records.Shipping | None:
    if given is None:
        return None
    return records.Shipping(
        address=_address(given.address) or records.Address(), name=given.name, phone=given.phone
    )


async def update_customer(
    info: Info, input: Annotated[UpdateCustomerInput, strawberry.argument(description="The new details.")]
) -> UpdateCustomerPayload:
    outcome = await customer_changes.update_customer(
        info.context.request_context,
        customer_id=input.customer_id,
        changes=records.CustomerUpdate(
            email=input.email,
            name=input.name,
            phone=input.phone,
            address=_address(input.address),
            shipping=_shipping(input.shipping),
        ),
    )
    return UpdateCustomerPayload(
        customer=None if outcome.value is None else Customer.of(outcome.value),
        user_errors=user_errors(outcome.errors),
    )
