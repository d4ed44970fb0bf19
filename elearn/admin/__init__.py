"""Administration pages: units, accounts, imports, audit log."""
