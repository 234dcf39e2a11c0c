"""Every table, imported in one place so that the metadata (and Alembic) sees them all."""

from app.accounts.models import LoginFailure, User, UserSession
from app.assessments.models import Assessment
from app.audit.models import AuditEvent
from app.campaigns.models import Campaign, Department, LevelDefinition, Membership, Shift
from app.people.models import Coworker
from app.structure_tests.models import StructureTest, StructureTestResult

__all__ = [
    "Assessment",
    "AuditEvent",
    "Campaign",
    "Coworker",
    "Department",
    "LevelDefinition",
    "LoginFailure",
    "Membership",
    "Shift",
    "StructureTest",
    "StructureTestResult",
    "User",
    "UserSession",
]
