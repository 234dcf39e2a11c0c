"""Audit: an append-only record of logins, user changes, imports, exports and deletions."""
