"""Users, logins and server-side sessions.

A session is a row; the browser holds only a random 256-bit token whose keyed hash is the row's
key, so a copy of the database does not yield usable cookies. Ending a session is deleting the
row, which takes effect on the very next request on every worker and host.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app.accounts.models import LoginFailure, User, UserSession
from app.accounts.passwords import (
    UNUSABLE_PASSWORD,
    check_password_policy,
    hash_password,
    verify_password,
)
from app.audit import service as audit
from app.db import utcnow
from app.errors import InvalidInput, NotFound
from app.settings import Settings

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Refreshing last_seen_at on every request would turn every page view into a write.
SESSION_TOUCH_INTERVAL = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    throttled: bool = False


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise InvalidInput(f"malformed email address: {email!r}", field="email")
    return email


def keyed_hash(settings: Settings, value: str) -> str:
    return hmac.new(settings.signing_key, value.encode(), hashlib.sha256).hexdigest()


def get_by_email(*, session: Session, email: str) -> User | None:
    """The user with this email, or None."""
    return session.scalar(select(User).where(col(User.email) == email.strip().lower()))


def create(*, session: Session, email: str, password: str | None, name: str = "") -> User:
    """A new user; password None makes an account that cannot log in."""
    email = normalise_email(email)
    if password is not None:
        check_password_policy(password)
    if get_by_email(session=session, email=email) is not None:
        raise InvalidInput(f"a user with email {email} already exists", field="email")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password) if password is not None else UNUSABLE_PASSWORD,
    )
    session.add(user)
    session.flush()
    return user


def set_password(*, session: Session, user: User, password: str) -> None:
    """Replace the password and end every session of the user."""
    check_password_policy(password)
    user.password_hash = hash_password(password)
    session.add(user)
    end_all_sessions(session=session, user_id=_id(user))


def disable(*, session: Session, email: str, actor: str) -> User:
    """Stop the user from logging in and end all of their sessions at once."""
    user = get_by_email(session=session, email=normalise_email(email))
    if user is None:
        raise NotFound(f"no user with email {email.strip().lower()}")
    user.is_active = False
    user.disabled_at = utcnow()
    session.add(user)
    end_all_sessions(session=session, user_id=_id(user))
    audit.record(session=session, actor=actor, action="user.disable", user=user.email)
    return user


def end_all_sessions(*, session: Session, user_id: int) -> None:
    session.execute(delete(UserSession).where(col(UserSession.user_id) == user_id))


def _throttle_keys(settings: Settings, email: str, client_address: str) -> tuple[str, str]:
    return (
        keyed_hash(settings, f"account:{email.strip().lower()}"),
        keyed_hash(settings, f"address:{client_address}"),
    )


def _is_throttled(
    *, session: Session, settings: Settings, account_key: str, address_key: str
) -> bool:
    since = utcnow() - dt.timedelta(minutes=settings.login_window_minutes)
    counts: dict[str, int] = dict(
        session.execute(
            select(col(LoginFailure.key_hash), func.count())
            .where(col(LoginFailure.key_hash).in_([account_key, address_key]))
            .where(col(LoginFailure.at) >= since)
            .group_by(col(LoginFailure.key_hash))
        ).all()
    )
    return (
        counts.get(account_key, 0) >= settings.login_failures_per_account
        or counts.get(address_key, 0) >= settings.login_failures_per_address
    )


def authenticate(
    *, session: Session, settings: Settings, email: str, password: str, client_address: str
) -> LoginOutcome:
    """Check a login attempt against the throttle and the password; record the outcome."""
    account_key, address_key = _throttle_keys(settings, email, client_address)
    user = get_by_email(session=session, email=email)
    actor = user.email if user is not None else "anonymous"
    if _is_throttled(
        session=session, settings=settings, account_key=account_key, address_key=address_key
    ):
        audit.record(session=session, actor=actor, action="login.throttled")
        return LoginOutcome(user=None, throttled=True)
    valid, new_hash = verify_password(password, user.password_hash if user else None)
    if user is None or not valid or not user.is_active:
        session.add(LoginFailure(key_hash=account_key))
        session.add(LoginFailure(key_hash=address_key))
        audit.record(session=session, actor=actor, action="login.failed")
        return LoginOutcome(user=None)
    if new_hash:
        user.password_hash = new_hash
        session.add(user)
    session.execute(delete(LoginFailure).where(col(LoginFailure.key_hash) == account_key))
    audit.record(session=session, actor=user.email, action="login")
    return LoginOutcome(user=user)


def start_session(*, session: Session, settings: Settings, user: User) -> str:
    """A new session for the user; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            token_hash=keyed_hash(settings, token),
            user_id=_id(user),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=settings.session_absolute_hours),
        )
    )
    return token


def end_session(*, session: Session, settings: Settings, token: str) -> User | None:
    """End the session behind the token; returns its user, if it was live."""
    token_hash = keyed_hash(settings, token)
    row = session.scalar(select(UserSession).where(col(UserSession.token_hash) == token_hash))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    session.delete(row)
    if user is not None:
        audit.record(session=session, actor=user.email, action="logout")
    return user


@dataclass(frozen=True)
class LiveSession:
    user: User
    session_id: int
    needs_touch: bool


def resolve_session(*, session: Session, settings: Settings, token: str) -> LiveSession | None:
    """The live session behind a cookie token, or None when unknown, expired, idle or disabled."""
    now = utcnow()
    row = session.execute(
        select(UserSession, User)
        .join(User, col(User.id) == col(UserSession.user_id))
        .where(col(UserSession.token_hash) == keyed_hash(settings, token))
    ).first()
    if row is None:
        return None
    user_session, user = row
    idle_limit = user_session.last_seen_at + dt.timedelta(minutes=settings.session_idle_minutes)
    if not user.is_active or now >= user_session.expires_at or now >= idle_limit:
        return None
    return LiveSession(
        user=user,
        session_id=_id(user_session),
        needs_touch=now - user_session.last_seen_at >= SESSION_TOUCH_INTERVAL,
    )


def touch_session(*, session: Session, session_id: int) -> None:
    session.execute(
        update(UserSession).where(col(UserSession.id) == session_id).values(last_seen_at=utcnow())
    )


def purge_expired(*, session: Session, settings: Settings) -> None:
    """Delete sessions past their absolute or idle limit, and failures past the window."""
    now = utcnow()
    idle_cutoff = now - dt.timedelta(minutes=settings.session_idle_minutes)
    session.execute(
        delete(UserSession).where(
            (col(UserSession.expires_at) <= now) | (col(UserSession.last_seen_at) <= idle_cutoff)
        )
    )
    window_start = now - dt.timedelta(minutes=settings.login_window_minutes)
    session.execute(delete(LoginFailure).where(col(LoginFailure.at) < window_start))


def _id(row: User | UserSession) -> int:
    assert row.id is not None, "row must be flushed first"
    return row.id


def generate_password() -> str:
    """A strong password for a person to copy once: 20 URL-safe characters (120 bits)."""
    return secrets.token_urlsafe(15)
