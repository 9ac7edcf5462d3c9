"""stripe_gateway."""
