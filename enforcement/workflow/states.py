"""Each action's states, defined once: label (zh/en), map colour and severity.

Severity ranks the "worst state" of an enterprise on maps and lists:
0 clean (closed, paid, lifted, released), 1 under watch, 2 open, 3 overdue, 4 escalated.
``overdue`` is never stored; it is the derived display state (see engine.display_state).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

CLEAN, WATCH, OPEN, OVERDUE, ESCALATED = 0, 1, 2, 3, 4

_COLOUR = {
    CLEAN: "#2e7d32",
    WATCH: "#00897b",
    OPEN: "#1565c0",
    OVERDUE: "#ef6c00",
    ESCALATED: "#c62828",
}


@dataclass(frozen=True)
class StateInfo:
    value: str
    zh: str
    en: str
    severity: int
    terminal: bool = False  # no further event except reopen

    @property
    def colour(self) -> str:
        """The map colour, one per severity."""
        return _COLOUR[self.severity]


@dataclass(frozen=True)
class ActionInfo:
    value: str
    zh: str
    en: str


ACTIONS: tuple[ActionInfo, ...] = (
    ActionInfo("close", "取缔", "Close"),
    ActionInfo("stop", "限产停产", "Limit/stop"),  # two measures: 限制生产, 停产整治 (issue #15)
    ActionInfo("rectify", "限期整改", "Rectify"),
    ActionInfo("fine", "罚款", "Fine"),
    ActionInfo("control", "监管", "Control"),
    ActionInfo("seal", "查封扣押", "Seal-up"),
)
ACTION_VALUES = tuple(a.value for a in ACTIONS)


# The table is plain data built when the module is imported (no helper function: a mutation run
# switches mutants on only after the import, so a mutated helper here could never be seen).
_s = StateInfo
_OVERDUE = _s("overdue", "逾期", "Overdue", OVERDUE)

STATES: dict[str, dict[str, StateInfo]] = {
    "rectify": {
        s.value: s
        for s in (
            _s("ordered", "已责令整改", "Ordered", OPEN),
            _s("reported", "已报告整改", "Reported fixed", OPEN),
            _s("verified", "已核查", "Verified", WATCH),
            _s("closed", "已结案", "Closed", CLEAN, terminal=True),
            _s("escalated", "已升级", "Escalated", ESCALATED, terminal=True),
            _OVERDUE,
        )
    },
    "stop": {
        s.value: s
        for s in (
            _s("ordered", "已责令停产", "Ordered", OPEN),
            _s("plan_filed", "整改方案已备案", "Plan filed", OPEN),
            _s("rectifying", "整治中", "Rectifying", OPEN),
            _s("lifted", "已解除", "Lifted", CLEAN),
            _s("escalated", "已升级取缔", "Escalated", ESCALATED, terminal=True),
            _OVERDUE,
            # Second edition (issue #15): closure proposed, waiting for the people's government.
            _s("closure_proposed", "拟报请关闭", "Closure proposed", ESCALATED),
        )
    },
    "close": {
        s.value: s
        for s in (
            _s("ordered", "已责令取缔", "Ordered", OPEN),
            _s("executed", "已两断三清", "Executed", OPEN),
            _s("verified", "已核查", "Verified", WATCH),
            _s("monitoring", "防反弹巡查", "Monitoring", WATCH),
            _s("closed", "已结案", "Closed", CLEAN, terminal=True),
            _s("rebounded", "已反弹", "Rebounded", ESCALATED, terminal=True),
            _OVERDUE,
        )
    },
    "fine": {
        s.value: s
        for s in (
            _s("filed", "已立案", "Filed", OPEN),
            _s("notified", "已告知", "Notified", OPEN),
            _s("hearing", "听证", "Hearing", OPEN),
            _s("decided", "已决定", "Decided", OPEN),
            _s("reconsideration", "行政复议中", "Reconsideration", OPEN),
            _s("litigation", "行政诉讼中", "Litigation", OPEN),
            _s("enforcement_requested", "已申请强制执行", "Enforcement requested", ESCALATED),
            _s("paid", "已缴纳", "Paid", CLEAN),
            _s("closed", "已结案", "Closed", CLEAN, terminal=True),
            _OVERDUE,
        )
    },
    "control": {
        s.value: s
        for s in (
            _s("active", "监管中", "Under control", WATCH),
            _s("released", "已解除监管", "Released", CLEAN, terminal=True),
            _OVERDUE,
        )
    },
    "seal": {
        s.value: s
        for s in (
            _s("sealed", "查封扣押中", "Sealed", OPEN),
            _s("released", "已解除查封扣押", "Released", CLEAN, terminal=True),
            _s("handled", "已作出处理决定", "Handled", CLEAN, terminal=True),
            _OVERDUE,
        )
    },
}

INITIAL_STATE = {
    "rectify": "ordered",
    "stop": "ordered",
    "close": "ordered",
    "fine": "filed",
    "control": "active",
    "seal": "sealed",
}


def state_info(action: str, state: str) -> StateInfo:
    try:
        return STATES[action][state]
    except KeyError:
        raise KeyError(f"unknown state {state!r} of action {action!r}") from None


def stored_states(action: str) -> tuple[str, ...]:
    """The states a snapshot can be in (everything but the derived ``overdue``)."""
    return tuple(s for s in STATES[action] if s != "overdue")


# The two measures of a stop case (MEP Order No. 30, 2014), a sub-kind kept in its params.
@dataclass(frozen=True)
class MeasureInfo:
    value: str
    zh: str
    en: str


STOP_MEASURES: dict[str, MeasureInfo] = {
    m.value: m
    for m in (
        MeasureInfo("limit", "限制生产", "Limit production"),
        MeasureInfo("stop", "停产整治", "Stop production for rectification"),
    )
}


def measure_of(action: str, params: Mapping[str, Any] | None) -> str | None:
    """The measure of a stop case; cases opened before the second edition are 停产整治."""
    if action != "stop":
        return None
    return (params or {}).get("measure") or "stop"
