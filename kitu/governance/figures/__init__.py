"""The annual figures for the general assembly (docs/joining.md, "Annual figures"): members by type,
shares and capital, services billed and savings from call-offs per member, for one business year."""
