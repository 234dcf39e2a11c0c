"""Runtime configuration, read from the environment (and a `.env` file when present).

Secure by default: the environment defaults to production, where the server refuses to start
without a real secret key and session cookies are `Secure` with the `__Host-` prefix. Development
(`make run`) and the test suite relax only what plain-HTTP loopback needs.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Used only where RANKFILE_ENV is development or test; refused everywhere else.
INSECURE_DEVELOPMENT_KEY = "rankfile-development-key-not-for-real-data"
MIN_SECRET_KEY_LENGTH = 32


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class ConfigurationError(RuntimeError):
    """The settings cannot run a server safely; the message says which variable to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default="sqlite:///./rankfile.db", validation_alias=AliasChoices("DATABASE_URL")
    )
    secret_key: str = Field(default="", validation_alias=AliasChoices("RANKFILE_SECRET_KEY"))
    env: Environment = Field(
        default=Environment.production, validation_alias=AliasChoices("RANKFILE_ENV")
    )
    # None means: Secure everywhere except development and test (plain HTTP on loopback).
    cookie_secure: bool | None = Field(
        default=None, validation_alias=AliasChoices("RANKFILE_COOKIE_SECURE")
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, validation_alias=AliasChoices("RANKFILE_SESSION_IDLE_MINUTES")
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, validation_alias=AliasChoices("RANKFILE_SESSION_ABSOLUTE_HOURS")
    )
    login_failures_per_account: int = Field(
        default=5, ge=1, validation_alias=AliasChoices("RANKFILE_LOGIN_FAILURES_PER_ACCOUNT")
    )
    login_failures_per_address: int = Field(
        default=30, ge=1, validation_alias=AliasChoices("RANKFILE_LOGIN_FAILURES_PER_ADDRESS")
    )
    login_window_minutes: int = Field(
        default=15, ge=1, validation_alias=AliasChoices("RANKFILE_LOGIN_WINDOW_MINUTES")
    )

    @property
    def is_production(self) -> bool:
        return self.env == Environment.production

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.is_production

    @property
    def session_cookie_name(self) -> str:
        # The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only
        # and for path /, so a sibling subdomain cannot plant or read it.
        return "__Host-rankfile_session" if self.secure_cookies else "rankfile_session"

    @cached_property
    def signing_key(self) -> bytes:
        """The key for hashing session tokens and throttle keys; checked by `check_secret`."""
        return (self.secret_key or INSECURE_DEVELOPMENT_KEY).encode()

    def check_secret(self) -> None:
        """Refuse to serve real data with a missing, short or well-known secret key."""
        if self.env in (Environment.development, Environment.test):
            return
        if not self.secret_key or self.secret_key == INSECURE_DEVELOPMENT_KEY:
            raise ConfigurationError(
                "RANKFILE_SECRET_KEY is not set: generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'` "
                "(or set RANKFILE_ENV=development on a machine without real data)"
            )
        if len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigurationError(
                f"RANKFILE_SECRET_KEY is too short: use at least {MIN_SECRET_KEY_LENGTH} characters"
            )


def get_settings() -> Settings:
    return Settings()
