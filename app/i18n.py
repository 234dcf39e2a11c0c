"""Translations. Every user-facing string goes through gettext so that a language is a file.

English is the only language for now: with no compiled catalogue, Babel falls back to the
source strings. `make messages` extracts `app/locale/messages.pot` from code and templates.
"""

from __future__ import annotations

from functools import cache

from babel.support import NullTranslations, Translations

from app.paths import LOCALE_DIR

DEFAULT_LOCALE = "en"


@cache
def translations(locale: str = DEFAULT_LOCALE) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [locale], domain="messages")


def gettext(message: str) -> str:
    return translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations().ngettext(singular, plural, n)


def gettext_noop(message: str) -> str:
    """Marks a string for extraction where it is translated later, at display time."""
    return message
