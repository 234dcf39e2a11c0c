"""Tables for users, their sessions and failed logins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    name: str = Field(default="", max_length=120)
    # "!" marks an account that cannot log in (demo organizers seeded in bulk).
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    disabled_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]


class UserSession(SQLModel, table=True):
    """A login. The cookie holds a random token; only its keyed hash is stored here."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)


class LoginFailure(SQLModel, table=True):
    """One failed login, keyed by a hash of the account or the client address.

    Kept in the database, not in process memory, so that the limit holds across workers and hosts.
    """

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_hash_at", "key_hash", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
