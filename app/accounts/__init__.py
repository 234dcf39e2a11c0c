"""Accounts: users, passwords, server-side sessions and the login throttle."""
