"""portalql."""
