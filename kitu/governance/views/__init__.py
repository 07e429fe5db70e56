"""Pages of the governance: overview and register (pages), voting and attendance (voting), the office's work
(office), the member admin's representatives (representatives)."""
