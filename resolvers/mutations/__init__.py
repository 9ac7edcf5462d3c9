"""What each mutation does: the portal's rules, the write through the gateway, the audit event.

Expected failures are returned as `UserError`s (see `outcome`); outages and bugs are raised.
"""
