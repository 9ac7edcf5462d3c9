"""portalql's own database: tables, migrations, one repository module per table group, and the adapters that
give resolvers the stores they ask for."""
