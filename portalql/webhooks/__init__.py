"""Stripe's events: what each means (`handlers`), the inbox that stores and applies them once and in order
(`inbox`), and replaying what a server missed (`replay`)."""
