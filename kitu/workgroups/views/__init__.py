"""Pages of the working groups, one module per purpose (see urls.py)."""
