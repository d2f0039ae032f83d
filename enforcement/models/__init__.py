"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from .accountability import AccountabilityRecord
from .audit import AuditEvent
from .branch import Branch
from .calendar import Draw, HolidayDay, QuietDay
from .case import ACTIONS, Case, CaseEvent, CaseLink, Conflict, Deadline, FollowUp
from .complaint import Complaint
from .enterprise import Enterprise
from .geocode_cache import GeocodeCache
from .import_mapping import ImportMapping
from .notification import CHANNELS, DailyRun, Delivery, Notification
from .paper import PaperNumber
from .stamp import CacheStamp
from .township import Township
from .user import ROLES, ApiToken, User
from .visit import Photo, Visit, visit_inspector
from .unit import ResponsibleUnit
from .task import Task, task_co_unit
from .supervision import SupervisionPhoto, SupervisionVisit, supervision_finding

__all__ = [
    "ACTIONS",
    "CHANNELS",
    "DailyRun",
    "Delivery",
    "Notification",
    "ROLES",
    "ApiToken",
    "AuditEvent",
    "CacheStamp",
    "Case",
    "CaseEvent",
    "CaseLink",
    "Complaint",
    "Conflict",
    "Deadline",
    "Draw",
    "Enterprise",
    "FollowUp",
    "GeocodeCache",
    "HolidayDay",
    "ImportMapping",
    "PaperNumber",
    "Photo",
    "QuietDay",
    "Township",
    "User",
    "Visit",
    "visit_inspector",
    "AccountabilityRecord",
    "Branch",
    "ResponsibleUnit",
    "SupervisionPhoto",
    "SupervisionVisit",
    "Task",
    "supervision_finding",
    "task_co_unit",
]
