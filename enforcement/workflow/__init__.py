"""The workflow engine of the five enforcement actions (pure Python: stdlib + chinese_calendar + holidays).

See docs/workflows.md for every rule as implemented and its legal source.
"""
from .calendar import Calendar, QuietDay, YearSchedule, dump_schedule, parse_schedule
from .casework import visit_outcome_fields
from .draw import Assignment, DrawResult, draw
from .engine import (
    WINDOW_DEADLINES,
    allowed_events,
    cancelled_keys,
    apply,
    current_deadline,
    display_info,
    display_state,
    due_events,
    is_overdue,
    next_followup,
    open_case,
    open_params,
    overdue_deadlines,
    replay,
    snapshot_from_dict,
    snapshot_to_dict,
    surcharge_fen,
    watched_deadline,
    worst_severity,
    worst_state,
)
from .rules import ActionRules, Rules
from .states import (ACTION_VALUES, ACTIONS, STATES, STOP_MEASURES, ActionInfo, MeasureInfo, StateInfo, measure_of,
                     state_info, stored_states)
from .types import (
    CaseSnapshot,
    ConfigError,
    Deadline,
    Escalation,
    Event,
    FollowUp,
    ForbiddenByLaw,
    ImpossibleEvent,
    InvalidEvent,
    Outcome,
    ScheduleError,
    WorkflowError,
    days_overdue,
    deadline_status,
    followup_status,
)

__all__ = [
    "ACTION_VALUES", "ACTIONS", "STATES", "STOP_MEASURES", "MeasureInfo", "measure_of", "WINDOW_DEADLINES", "ActionInfo", "ActionRules", "Assignment", "Calendar",
    "CaseSnapshot", "ConfigError", "Deadline", "DrawResult", "Escalation", "Event", "FollowUp", "ForbiddenByLaw",
    "ImpossibleEvent", "InvalidEvent", "Outcome", "QuietDay", "Rules", "ScheduleError", "StateInfo",
    "WorkflowError", "YearSchedule", "allowed_events", "cancelled_keys", "apply", "current_deadline", "days_overdue",
    "deadline_status", "display_info", "display_state", "draw", "due_events", "dump_schedule",
    "followup_status", "is_overdue", "next_followup", "open_case", "open_params", "overdue_deadlines", "parse_schedule",
    "replay", "snapshot_from_dict", "snapshot_to_dict", "state_info", "stored_states", "surcharge_fen", "watched_deadline",
    "worst_severity", "worst_state", "visit_outcome_fields",
    "ForbiddenByLaw",
]
