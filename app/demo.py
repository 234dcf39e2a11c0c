"""The demo campaign: a hospital with realistic departments, shifts and assessment history.

Seeded with bulk inserts so that 100,000 coworkers (for benchmarks) take seconds, not minutes.
Random but reproducible: the same N gives the same campaign.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.accounts import service as accounts
from app.accounts.models import User
from app.accounts.passwords import UNUSABLE_PASSWORD
from app.assessments.models import Assessment
from app.audit import service as audit
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign, Membership, Role
from app.db import utcnow
from app.people.models import Coworker
from app.structure_tests import service as structure_tests
from app.structure_tests.models import (
    ParticipationResult,
    StructureTest,
    StructureTestKind,
    StructureTestResult,
)

DEMO_SLUG = "demo"
DEMO_NAME = "Demo General Hospital"
ADMIN_EMAIL = "admin@example.org"
COMMITTEE_EMAIL = "committee@example.org"
ORGANIZER_EMAIL = "organizer@example.org"
HISTORY_DAYS = 84  # twelve weeks
CHUNK = 5000

# (department, share of the workforce, how much stronger than average support is there)
DEPARTMENTS: tuple[tuple[str, int, float], ...] = (
    ("Emergency", 14, 0.15),
    ("ICU", 10, 0.10),
    ("Med-Surg", 22, 0.0),
    ("Pediatrics", 8, 0.05),
    ("Labor & Delivery", 6, -0.05),
    ("Operating Room", 9, -0.15),
    ("Radiology", 5, -0.10),
    ("Laboratory", 6, 0.0),
    ("Pharmacy", 4, -0.20),
    ("Environmental Services", 9, 0.20),
    ("Food & Nutrition", 5, 0.10),
    ("Patient Transport", 2, 0.05),
)
SHIFTS: tuple[tuple[str, int], ...] = (("Day", 45), ("Evening", 25), ("Night", 25), ("Weekend", 5))
TITLES = {
    "Emergency": ("Registered Nurse", "Emergency Technician", "Unit Clerk"),
    "ICU": ("Registered Nurse", "Respiratory Therapist", "Nursing Assistant"),
    "Med-Surg": ("Registered Nurse", "Nursing Assistant", "Unit Clerk"),
    "Pediatrics": ("Registered Nurse", "Child Life Specialist", "Nursing Assistant"),
    "Labor & Delivery": ("Registered Nurse", "Surgical Technologist"),
    "Operating Room": ("Registered Nurse", "Surgical Technologist", "Anesthesia Technician"),
    "Radiology": ("Radiologic Technologist", "CT Technologist", "MRI Technologist"),
    "Laboratory": ("Medical Laboratory Scientist", "Phlebotomist"),
    "Pharmacy": ("Pharmacist", "Pharmacy Technician"),
    "Environmental Services": ("Environmental Services Aide", "Floor Technician"),
    "Food & Nutrition": ("Cook", "Dietary Aide", "Diet Technician"),
    "Patient Transport": ("Patient Transporter",),
}
FIRST_NAMES = (
    "Maria", "James", "Aisha", "Wei", "Carlos", "Fatima", "John", "Priya", "Kwame", "Olga",
    "Luis", "Mei", "Ahmed", "Grace", "Dmitri", "Rosa", "Tyrone", "Hana", "Samuel", "Ngozi",
    "Elena", "Marcus", "Yuki", "Imani", "Pedro", "Leila", "Kevin", "Thu", "Andre", "Sofia",
)  # fmt: skip
LAST_NAMES = (
    "Garcia", "Smith", "Nguyen", "Johnson", "Okafor", "Chen", "Williams", "Patel", "Brown",
    "Kowalski", "Hernandez", "Kim", "Jones", "Ali", "Davis", "Lopez", "Ivanova", "Mensah",
    "Wilson", "Tanaka", "Martinez", "Haddad", "Taylor", "Rossi", "Anderson", "Mwangi",
)  # fmt: skip
# Unassessed, then levels 1-5: most coworkers are supporters or undecided.
LEVEL_WEIGHTS = (0.15, 0.10, 0.34, 0.18, 0.13, 0.10)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: Role


@dataclass(frozen=True)
class DemoSeed:
    campaign: Campaign
    coworkers: int
    logins: tuple[DemoLogin, ...]


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...], k: int) -> list[str]:
    names = [name for name, _weight in options]
    return rng.choices(names, weights=[weight for _name, weight in options], k=k)


def _level_for(rng: random.Random, bias: float) -> int | None:
    # bias moves weight from the opposed end to the supportive end of the scale.
    weights = list(LEVEL_WEIGHTS)
    weights[2] += bias * 0.5
    weights[1] += bias * 0.2
    weights[4] -= bias * 0.4
    weights[5] -= bias * 0.3
    choice = rng.choices(range(6), weights=[max(w, 0.01) for w in weights])[0]
    return None if choice == 0 else choice


def _chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]


def seed(*, session: Session, coworkers: int = 120, actor: str) -> DemoSeed:
    """Create the demo campaign with `coworkers` coworkers and its three logins."""
    rng = random.Random(coworkers)
    now = utcnow()
    campaign = campaigns.create(session=session, name=DEMO_NAME, slug=DEMO_SLUG)
    assert campaign.id is not None
    campaign_id = campaign.id

    logins = tuple(
        DemoLogin(email=email, password=secrets.token_urlsafe(12), role=role)
        for email, role in (
            (ADMIN_EMAIL, Role.admin),
            (COMMITTEE_EMAIL, Role.committee),
            (ORGANIZER_EMAIL, Role.organizer),
        )
    )
    login_users = {}
    for login, name in zip(
        logins, ("Alex Admin", "Casey Committee", "Omar Organizer"), strict=True
    ):
        user = accounts.get_by_email(session=session, email=login.email)
        if user is None:
            user = accounts.create(
                session=session, email=login.email, password=login.password, name=name
            )
        else:
            accounts.set_password(session=session, user=user, password=login.password)
        campaigns.add_member(
            session=session, user=user, campaign=campaign, role=login.role, actor=actor
        )
        login_users[login.role] = user

    # Further organizers, one for roughly every forty coworkers; they cannot log in.
    extra_organizers = max(1, coworkers // 40) - 1
    organizer_ids = [login_users[Role.organizer].id]
    if extra_organizers:
        emails = [f"organizer{n}@example.org" for n in range(2, extra_organizers + 2)]
        session.execute(
            insert(User),
            [
                {
                    "email": email,
                    "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "password_hash": UNUSABLE_PASSWORD,
                    "is_active": True,
                    "created_at": now,
                }
                for email in emails
            ],
        )
        extra_ids = list(session.scalars(select(col(User.id)).where(col(User.email).in_(emails))))
        session.execute(
            insert(Membership),
            [
                {
                    "user_id": user_id,
                    "campaign_id": campaign_id,
                    "role": Role.organizer.value,
                    "created_at": now,
                }
                for user_id in extra_ids
            ],
        )
        organizer_ids += extra_ids

    departments = {
        name: campaigns.get_or_create_department(
            session=session, campaign_id=campaign_id, name=name
        )
        for name, _share, _bias in DEPARTMENTS
    }
    shifts = {
        name: campaigns.get_or_create_shift(session=session, campaign_id=campaign_id, name=name)
        for name, _share in SHIFTS
    }
    bias_of = {name: bias for name, _share, bias in DEPARTMENTS}

    dept_names = _weighted(rng, tuple((n, s) for n, s, _b in DEPARTMENTS), coworkers)
    dept_names.sort(key=[n for n, _s, _b in DEPARTMENTS].index)
    shift_names = _weighted(rng, SHIFTS, coworkers)
    # Contiguous blocks of the (department-ordered) list: an organizer covers one or two areas.
    block = max(1, -(-coworkers // len(organizer_ids)))

    coworker_rows: list[dict[str, Any]] = []
    histories: list[list[tuple[int | None, dt.datetime]]] = []
    for index in range(coworkers):
        department = dept_names[index]
        level = _level_for(rng, bias_of[department])
        history: list[tuple[int | None, dt.datetime]] = []
        if level is not None:
            times = sorted(
                now - dt.timedelta(minutes=rng.randint(60, HISTORY_DAYS * 24 * 60))
                for _ in range(rng.choice((1, 1, 2, 3)))
            )
            # Earlier conversations found people less supportive: the campaign is moving.
            history = [(min(5, level + (len(times) - 1 - i)), at) for i, at in enumerate(times)]
        histories.append(history)
        coworker_rows.append(
            {
                "campaign_id": campaign_id,
                "department_id": departments[department].id,
                "shift_id": shifts[shift_names[index]].id,
                "name": f"{rng.choice(LAST_NAMES)}, {rng.choice(FIRST_NAMES)}",
                "job_title": rng.choice(TITLES[department]),
                "employee_id": f"E{100000 + index}",
                "phone": f"+1 555 {rng.randint(0, 9999):04d}",
                "email": "",
                "notes": "",
                "active": True,
                "is_committee": (level == 1 and rng.random() < 0.7)
                or (level == 2 and rng.random() < 0.08),
                "is_organic_leader": level in (2, 3) and rng.random() < 0.06,
                "organizer_id": organizer_ids[index // block] if rng.random() < 0.85 else None,
                "current_level": level,
                "last_assessed_at": history[-1][1] if history else None,
                "version": 1,
                "created_at": now - dt.timedelta(days=HISTORY_DAYS + 7),
                "updated_at": now,
            }
        )
    for chunk in _chunks(coworker_rows):
        session.execute(insert(Coworker), chunk)
    coworker_ids = list(
        session.scalars(
            select(col(Coworker.id))
            .where(col(Coworker.campaign_id) == campaign_id)
            .order_by(col(Coworker.id))
        )
    )

    assessed_by = [login_users[Role.committee].id, *organizer_ids]
    assessment_rows = [
        {
            "campaign_id": campaign_id,
            "coworker_id": coworker_id,
            "level": level,
            "previous_level": history[index - 1][0] if index else None,
            "note": "",
            "assessed_by_id": rng.choice(assessed_by),
            "source": "demo",
            "created_at": at,
        }
        for coworker_id, history in zip(coworker_ids, histories, strict=True)
        for index, (level, at) in enumerate(history)
    ]
    for chunk in _chunks(assessment_rows):
        session.execute(insert(Assessment), chunk)

    test = StructureTest(
        campaign_id=campaign_id,
        slug="majority-petition",
        name="Majority petition",
        kind=StructureTestKind.petition.value,
        held_on=(now - dt.timedelta(days=21)).date(),
        goal_pct=campaign.supermajority_threshold,
        description="Petition for safe staffing, signed on every unit and shift.",
    )
    session.add(test)
    session.flush()
    result_rows = []
    for coworker_id, row in zip(coworker_ids, coworker_rows, strict=True):
        result = _petition_result(rng, row["current_level"])
        if result is not None:
            result_rows.append(
                {
                    "test_id": test.id,
                    "coworker_id": coworker_id,
                    "result": result.value,
                    "recorded_by_id": login_users[Role.committee].id,
                    "recorded_at": now - dt.timedelta(days=20),
                }
            )
    for chunk in _chunks(result_rows):
        session.execute(insert(StructureTestResult), chunk)
    structure_tests.refresh_latest_participation(session=session, test=test)

    audit.record(
        session=session, actor=actor, action="demo.seed", campaign_id=campaign_id, rows=coworkers
    )
    return DemoSeed(campaign=campaign, coworkers=coworkers, logins=logins)


def _petition_result(rng: random.Random, level: int | None) -> ParticipationResult | None:
    took_part = {1: 0.95, 2: 0.8, 3: 0.3}.get(level or 0, 0.0)
    declined = {3: 0.2, 4: 0.5, 5: 0.6}.get(level or 0, 0.0)
    draw = rng.random()
    if draw < took_part:
        return ParticipationResult.took_part
    if draw < took_part + declined:
        return ParticipationResult.declined
    return None  # not reached
