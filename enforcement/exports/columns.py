"""Which columns each list exports, with Chinese headers (exports are read at the bureau, in
Excel or WPS) and how each value is shown: codes become the labels of the single state table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from .. import workflow as wf
from ..domain import (
    DEADLINE_LABELS,
    GATE_LABELS,
    PURPOSE_LABELS,
    STATUS_LABELS,
    followup_label,
    label,
)
from ..models.complaint import CATEGORIES

SECTION_LABELS = {"new": "新立案件", "due": "本周到期", "overdue": "逾期", "followups": "跟踪检查"}
CATEGORY_LABELS = {
    "air": "大气",
    "water": "水",
    "noise": "噪声",
    "waste": "固废",
    "odour": "异味",
    "other": "其他",
}


def action_zh(action: str | None) -> str:
    return next((a.zh for a in wf.ACTIONS if a.value == action), action or "")


def state_zh(row: dict, key: str = "state") -> str:
    try:
        return wf.state_info(row["action"], row[key]).zh
    except KeyError:
        return row.get(key) or ""


def deadline_zh(name: str | None) -> str:
    if not name:
        return ""
    if name in DEADLINE_LABELS:
        return label(DEADLINE_LABELS, name, "zh")
    if name.startswith("gate_") and name.endswith("_by"):
        # A control case's gate deadline (gate_acceptance_by): the gate's name, not the key.
        return f"{label(GATE_LABELS, name[5:-3], 'zh')}整改期限"
    return followup_label(name, "zh")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  #: text, int, date, money (fen shown as yuan), label
    width: int = 12
    show: Callable[[dict], Any] | None = None  #: for ``label``: the shown text

    def value(self, row: dict):
        if self.show is not None:
            return self.show(row)
        value = row.get(self.key)
        if self.kind == "date" and isinstance(value, str) and value:
            return date.fromisoformat(value)
        return value


_CASE = [
    Column("case_id", "案件编号", "int", 9),
    Column("enterprise_name", "企业名称", "text", 30),
    Column("credit_code", "统一社会信用代码", "text", 21),
    Column("township_name", "乡镇/园区", "text", 12),
    Column("action", "处置方式", "label", 10, lambda r: action_zh(r["action"])),
    Column(
        "state",
        "状态",
        "label",
        14,
        lambda r: state_zh(r, "display_state") if r.get("display_state") else state_zh(r),
    ),
    Column("deadline", "期限", "label", 16, lambda r: deadline_zh(r.get("deadline"))),
    Column("due_on", "到期日", "date", 11),
    Column("days_overdue", "逾期天数", "int", 9),
    Column("surcharge_fen", "加处罚款（元）", "money", 14),
    Column("assignee", "承办人", "text", 10, lambda r: r.get("assignee_name") or r.get("assignee")),
]
_FOLLOWUP = _CASE[:6] + [
    Column("deadline", "跟踪检查", "label", 18, lambda r: deadline_zh(r.get("deadline"))),
    Column(
        "purpose",
        "目的",
        "label",
        10,
        lambda r: label(PURPOSE_LABELS, r.get("purpose") or "", "zh"),
    ),
    Column("earliest_on", "最早日期", "date", 11),
    Column("due_on", "到期日", "date", 11),
    Column(
        "deadline_status",
        "检查状态",
        "label",
        9,
        lambda r: label(STATUS_LABELS, r.get("deadline_status") or "", "zh"),
    ),
    Column("days_overdue", "逾期天数", "int", 9),
    Column("assignee", "承办人", "text", 10, lambda r: r.get("assignee_name") or r.get("assignee")),
]
_WEEKLY = [
    Column(
        "section", "栏目", "label", 10, lambda r: SECTION_LABELS.get(r["section"], r["section"])
    ),
    *_CASE,
]
_DISCLOSURE = [
    Column("enterprise_name", "企业名称", "text", 30),
    Column("credit_code", "统一社会信用代码", "text", 21),
    Column("violation", "违法行为", "text", 40),
    Column("action", "处理措施", "label", 10, lambda r: action_zh(r["action"])),
    Column("decision_date", "决定日期", "date", 11),
    Column("amount_fen", "罚款金额（元）", "money", 14),
]
_MONTHLY = [
    Column("month", "月份", "text", 8),
    Column("township_name", "乡镇/园区", "text", 12),
    *[Column(f"cases_{a.value}", f"{a.zh}（件）", "int", 9) for a in wf.ACTIONS],
    Column("cases_total", "立案合计", "int", 9),
    Column("visits", "检查次数", "int", 9),
    Column("fines_decided", "罚款决定（件）", "int", 10),
    Column("fines_decided_fen", "决定罚款（元）", "money", 14),
    Column("fines_collected_fen", "收缴罚款（元）", "money", 14),
    Column("closures_verified", "取缔核查通过", "int", 11),
    Column("rebounds", "反弹", "int", 7),
    *[Column(f"complaints_{c}", f"投诉·{CATEGORY_LABELS.get(c, c)}", "int", 9) for c in CATEGORIES],
    # The scoreboard's figures for the month (issue 20).
    *[
        Column(f"score_{key}", header, "int", 10)
        for key, header in (
            ("firms_found", "考核·发现问题企业"),
            ("closed", "考核·关停取缔"),
            ("rectified_on_time", "考核·按期整改"),
            ("overdue_orders", "考核·逾期未办结"),
            ("rebounds", "考核·关停后反弹"),
            ("complaints", "考核·信访投诉"),
            ("complaints_answered_on_time", "考核·按期答复"),
            ("tasks_due", "考核·责任任务"),
            ("tasks_on_time", "考核·按期完成"),
            ("tasks_overdue", "考核·逾期未完成"),
            ("accountability", "考核·问责"),
        )
    ],
    Column(
        "score",
        "考核得分",
        "label",
        9,
        lambda r: "" if r.get("score") is None else f"{r['score']:.2f}",
    ),
    Column("rank", "考核排名", "int", 8),
]


def columns_for(name: str) -> list[Column]:
    if name == "followups":
        return _FOLLOWUP
    if name == "weekly":
        return _WEEKLY
    if name == "monthly":
        return _MONTHLY
    if name == "disclosure":
        return _DISCLOSURE
    return _CASE
