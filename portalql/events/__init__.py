"""Events for the product: the audit trail's changes, delivered to the product's endpoints as signed
Standard Webhooks requests."""
