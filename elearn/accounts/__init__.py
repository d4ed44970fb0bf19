"""Accounts: sign-in, passwords, and user management services."""
