"""SQL, one module per table group. Functions take an `AsyncSession`; the caller owns the transaction."""
