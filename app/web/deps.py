"""Dependencies every route uses: the database session, the logged-in user, campaign scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.accounts import service as accounts
from app.accounts.models import User
from app.campaigns import service as campaigns
from app.campaigns.models import Role
from app.campaigns.service import CampaignAccess
from app.db import session_scope, writer
from app.errors import NotFound
from app.settings import Settings
from app.web.security import SAFE_METHODS


class LoginRequired(Exception):
    """No live session: send the browser to the login page."""


class Forbidden(Exception):
    """A member whose role may not use this page (the campaign itself is theirs to know)."""


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """A session per request. Routes commit explicitly before answering, so that nothing is
    acknowledged before it is durable; anything uncommitted is rolled back here."""
    engine = request.app.state.engine
    if request.method not in SAFE_METHODS:
        engine = writer(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbSession = Annotated[Session, Depends(get_db)]


def session_token(request: Request, settings: Settings) -> str | None:
    return request.cookies.get(settings.session_cookie_name)


def get_current_user(request: Request, session: DbSession, settings: SettingsDep) -> User:
    token = session_token(request, settings)
    live = accounts.resolve_session(session=session, settings=settings, token=token or "")
    if token is None or live is None:
        raise LoginRequired
    if live.needs_touch:
        if request.method in SAFE_METHODS:
            # Its own short write transaction, so that a GET's session stays read-only.
            with session_scope(request.app.state.engine) as write_session:
                accounts.touch_session(session=write_session, session_id=live.session_id)
        else:
            # An unsafe request already holds the write lock (SQLite): a second writer would
            # wait on it. The touch is committed with the request's own work.
            accounts.touch_session(session=session, session_id=live.session_id)
    request.state.user = live.user
    return live.user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_campaign_access(slug: str, user: CurrentUser, session: DbSession) -> CampaignAccess:
    """The campaign in the URL, as the current user sees it; 404 unless they are a member."""
    assert user.id is not None
    try:
        return campaigns.access(session=session, user_id=user.id, slug=slug)
    except NotFound:
        raise NotFound("campaign") from None


Campaign = Annotated[CampaignAccess, Depends(get_campaign_access)]


def require_role(*roles: Role):
    """A dependency that answers 403 to members whose role is not among `roles`."""

    def check(access: Campaign) -> CampaignAccess:
        if access.role not in roles:
            raise Forbidden
        return access

    return Depends(check)
