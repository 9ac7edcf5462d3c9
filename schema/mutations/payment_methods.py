"""`setDefaultPaymentMethod` and `detachPaymentMethod`."""

from typing import Annotated

import strawberry

from resolvers.mutations import payment_method_changes
from schema.context import Info
from schema.customers import Customer
from schema.payment_methods import PaymentMethod
from schema.user_errors import UserError, user_errors

_PAYMENT_METHOD_ID = "The payment method (`pm_…`), attached to the customer."


@strawberry.input(description="The payment method to charge by default from now on.")
class SetDefaultPaymentMethodInput:
    payment_method_id: strawberry.ID = strawberry.field(description=_PAYMENT_METHOD_ID)


@strawberry.type(description="The result of `setDefaultPaymentMethod`.")
class SetDefaultPaymentMethodPayload:
    payment_method: PaymentMethod | None = strawberry.field(
        description="The new default payment method; null when refused."
    )
    customer: Customer | None = strawberry.field(
        description="Its customer, whose `defaultPaymentMethod` it now is; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def set_default_payment_method(
    info: Info,
    input: Annotated[SetDefaultPaymentMethodInput, strawberry.argument(description="The payment method.")],
) -> SetDefaultPaymentMethodPayload:
    outcome = await payment_method_changes.set_default_payment_method(
        info.context.request_context, payment_method_id=input.payment_method_id
    )
    change = outcome.value
    return SetDefaultPaymentMethodPayload(
        payment_method=None if change is None else PaymentMethod.of(change.payment_method),
        customer=None if change is None else Customer.of(change.customer),
        user_errors=user_errors(outcome.errors),
    )


@strawberry.input(description="The payment method to remove from its customer.")
class DetachPaymentMethodInput:
    payment_method_id: strawberry.ID = strawberry.field(description=_PAYMENT_METHOD_ID)


@strawberry.type(description="The result of `detachPaymentMethod`.")
class DetachPaymentMethodPayload:
    payment_method: PaymentMethod | None = strawberry.field(
        description="The payment method, now attached to no customer; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused; empty if not.")


async def detach_payment_method(
    info: Info,
    input: Annotated[DetachPaymentMethodInput, strawberry.argument(description="The payment method.")],
) -> DetachPaymentMethodPayload:
    outcome = await payment_method_changes.detach_payment_method(
        info.context.request_context, payment_method_id=input.payment_method_id
    )
    return DetachPaymentMethodPayload(
        payment_method=None if outcome.value is None else PaymentMethod.of(outcome.value),
        user_errors=user_errors(outcome.errors),
    )
