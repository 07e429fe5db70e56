"""Pages of billing, one module per part: the cockpit (catalog, subscriptions, requests), invoices and
receivables, billing runs."""
