"""elearn: the training platform core (app factory, accounts, units, permissions)."""
