"""Errors that services raise for bad input; routes re-render and commands print them."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input a person can fix. The message names the field or option that is wrong."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(LookupError):
    """The object does not exist or is outside the caller's scope (the two look the same)."""
