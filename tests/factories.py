"""Creating test data through the real services, committed, as the app would see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.accounts import service as accounts
from app.accounts.models import User
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign, Role
from app.db import session_scope
from app.people.models import Coworker

PASSWORD = "a long test passphrase"


@dataclass
class Member:
    user: User
    password: str
    campaign: Campaign
    role: Role

    @property
    def email(self) -> str:
        return self.user.email


class Factory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def campaign(self, name: str = "Mercy Hospital", slug: str | None = None) -> Campaign:
        with session_scope(self.engine) as session:
            return campaigns.create(session=session, name=name, slug=slug)

    def member(
        self, campaign: Campaign, role: Role = Role.organizer, email: str | None = None
    ) -> Member:
        email = email or f"{role.value}-{campaign.slug}@example.org"
        with session_scope(self.engine) as session:
            user = accounts.get_by_email(session=session, email=email)
            if user is None:
                user = accounts.create(session=session, email=email, password=PASSWORD)
            campaigns.add_member(
                session=session, user=user, campaign=campaign, role=role, actor="test"
            )
        return Member(user=user, password=PASSWORD, campaign=campaign, role=role)

    def coworkers(self, campaign: Campaign, *rows: dict[str, Any]) -> list[Coworker]:
        """Coworkers with `department`/`shift` names and any other Coworker fields."""
        assert campaign.id is not None
        created = []
        with session_scope(self.engine) as session:
            for row in rows:
                row = dict(row)
                department = campaigns.get_or_create_department(
                    session=session, campaign_id=campaign.id, name=row.pop("department", "")
                )
                shift = campaigns.get_or_create_shift(
                    session=session, campaign_id=campaign.id, name=row.pop("shift", "")
                )
                coworker = Coworker(
                    campaign_id=campaign.id,
                    department_id=department.id,  # type: ignore[arg-type]
                    shift_id=shift.id,  # type: ignore[arg-type]
                    **row,
                )
                session.add(coworker)
                created.append(coworker)
        return created


def log_in(client: TestClient, member: Member) -> None:
    response = client.post(
        "/login",
        data={"email": member.email, "password": member.password},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
