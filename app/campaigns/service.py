"""Campaigns, their departments and shifts, level definitions and memberships."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.audit import service as audit
from app.campaigns.models import (
    UNASSIGNED,
    Campaign,
    Department,
    LevelDefinition,
    Membership,
    Role,
    Shift,
)
from app.errors import InvalidInput, NotFound
from app.i18n import gettext as _
from app.i18n import gettext_noop as N_

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

# The field's common 1-5 scale; each campaign may rename labels and edit descriptions.
DEFAULT_LEVELS: tuple[tuple[int, str, str], ...] = (
    (1, N_("Leader"), N_("Organizing others; will take any action and bring coworkers along")),
    (2, N_("Supporter"), N_("Will sign and act, but is not yet bringing others")),
    (3, N_("Undecided"), N_("On the fence, or hasn't said")),
    (4, N_("Leaning against"), N_("Skeptical; opposed but quiet")),
    (5, N_("Opposed"), N_("Hostile; may report to management")),
)


@dataclass(frozen=True)
class CampaignAccess:
    """A campaign as one member sees it."""

    campaign: Campaign
    role: Role

    @property
    def campaign_id(self) -> int:
        assert self.campaign.id is not None
        return self.campaign.id


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:64].rstrip("-")


def any_exist(*, session: Session) -> bool:
    """Whether the database holds any campaign at all."""
    return session.scalar(select(col(Campaign.id)).limit(1)) is not None


def get_by_slug(*, session: Session, slug: str) -> Campaign:
    """The campaign with this slug; NotFound otherwise."""
    campaign = session.scalar(select(Campaign).where(col(Campaign.slug) == slug))
    if campaign is None:
        raise NotFound(f"no campaign with slug {slug!r}")
    return campaign


def create(*, session: Session, name: str, slug: str | None = None) -> Campaign:
    """A new campaign with the default thresholds and level definitions."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("campaign name must be 1 to 200 characters", field="name")
    slug = slug if slug is not None else slugify(name)
    if not SLUG_PATTERN.match(slug):
        raise InvalidInput(
            f"invalid slug {slug!r}: use 1-64 lowercase letters, digits and inner hyphens",
            field="slug",
        )
    if session.scalar(select(col(Campaign.id)).where(col(Campaign.slug) == slug)) is not None:
        raise InvalidInput(f"a campaign with slug {slug!r} already exists", field="slug")
    campaign = Campaign(name=name, slug=slug)
    session.add(campaign)
    session.flush()
    assert campaign.id is not None
    session.add_all(
        LevelDefinition(campaign_id=campaign.id, level=level, label=label, description=description)
        for level, label, description in DEFAULT_LEVELS
    )
    return campaign


def level_definitions(*, session: Session, campaign_id: int) -> list[LevelDefinition]:
    """The campaign's five level definitions, by level."""
    return list(
        session.scalars(
            select(LevelDefinition)
            .where(col(LevelDefinition.campaign_id) == campaign_id)
            .order_by(col(LevelDefinition.level))
        )
    )


LABEL_MAX_LENGTH = 40
DESCRIPTION_MAX_LENGTH = 200


def update_levels(
    *, session: Session, campaign_id: int, definitions: dict[int, tuple[str, str]], actor: str
) -> dict[str, str]:
    """Rename levels and edit their descriptions; returns field → error, empty when saved."""
    errors: dict[str, str] = {}
    cleaned: dict[int, tuple[str, str]] = {}
    for level in range(1, 6):
        label, description = (part.strip() for part in definitions.get(level, ("", "")))
        if not label:
            errors[f"label_{level}"] = _("Level %(n)s needs a label.") % {"n": level}
        elif len(label) > LABEL_MAX_LENGTH:
            errors[f"label_{level}"] = _("At most %(n)s characters.") % {"n": LABEL_MAX_LENGTH}
        if len(description) > DESCRIPTION_MAX_LENGTH:
            errors[f"description_{level}"] = _("At most %(n)s characters.") % {
                "n": DESCRIPTION_MAX_LENGTH
            }
        cleaned[level] = (label, description)
    labels = [label.lower() for label, _description in cleaned.values()]
    for level, (label, _description) in cleaned.items():
        if label and labels.count(label.lower()) > 1 and f"label_{level}" not in errors:
            errors[f"label_{level}"] = _("Each level needs its own label.")
    if errors:
        return errors
    for definition in level_definitions(session=session, campaign_id=campaign_id):
        definition.label, definition.description = cleaned[definition.level]
        session.add(definition)
    audit.record(session=session, actor=actor, action="levels.update", campaign_id=campaign_id)
    return {}


def get_or_create_department(*, session: Session, campaign_id: int, name: str) -> Department:
    """The department with this name (blank: Unassigned), created when new."""
    name = name.strip() or UNASSIGNED
    department = session.scalar(
        select(Department).where(
            col(Department.campaign_id) == campaign_id, col(Department.name) == name
        )
    )
    if department is None:
        department = Department(campaign_id=campaign_id, name=name)
        session.add(department)
        session.flush()
    return department


def get_or_create_shift(*, session: Session, campaign_id: int, name: str) -> Shift:
    """The shift with this name (blank: Unassigned), created when new."""
    name = name.strip() or UNASSIGNED
    shift = session.scalar(
        select(Shift).where(col(Shift.campaign_id) == campaign_id, col(Shift.name) == name)
    )
    if shift is None:
        shift = Shift(campaign_id=campaign_id, name=name)
        session.add(shift)
        session.flush()
    return shift


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        known = ", ".join(role.value for role in Role)
        raise InvalidInput(f"unknown role {value!r}: use one of {known}", field="role") from None


def add_member(
    *, session: Session, user: User, campaign: Campaign, role: Role, actor: str
) -> Membership:
    """Give the user this role in the campaign (changing the role if already a member)."""
    membership = session.scalar(
        select(Membership).where(
            col(Membership.user_id) == user.id,
            col(Membership.campaign_id) == campaign.id,
        )
    )
    if membership is None:
        assert user.id is not None
        assert campaign.id is not None
        membership = Membership(user_id=user.id, campaign_id=campaign.id, role=role.value)
        audit.record(
            session=session,
            actor=actor,
            action="membership.add",
            campaign_id=campaign.id,
            user=user.email,
            role=role.value,
        )
    elif membership.role != role.value:
        audit.record(
            session=session,
            actor=actor,
            action="membership.role_change",
            campaign_id=campaign.id,
            user=user.email,
            old_role=membership.role,
            role=role.value,
        )
        membership.role = role.value
    session.add(membership)
    return membership


def memberships_of(*, session: Session, user_id: int) -> list[CampaignAccess]:
    """The campaigns the user belongs to, by name."""
    rows = session.execute(
        select(Campaign, col(Membership.role))
        .join(Membership, col(Membership.campaign_id) == col(Campaign.id))
        .where(col(Membership.user_id) == user_id)
        .order_by(col(Campaign.name))
    ).all()
    return [CampaignAccess(campaign=campaign, role=Role(role)) for campaign, role in rows]


def access(*, session: Session, user_id: int, slug: str) -> CampaignAccess:
    """The campaign as this user sees it; NotFound when it does not exist or they are no member."""
    row = session.execute(
        select(Campaign, col(Membership.role))
        .join(Membership, col(Membership.campaign_id) == col(Campaign.id))
        .where(col(Campaign.slug) == slug, col(Membership.user_id) == user_id)
    ).first()
    if row is None:
        raise NotFound("campaign")
    return CampaignAccess(campaign=row[0], role=Role(row[1]))
