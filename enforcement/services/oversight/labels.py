"""zh/en labels of the oversight values: each defined once, read by pages, exports and the API."""

from __future__ import annotations

UNIT_KIND_LABELS = {
    "township_gov": ("乡镇政府", "Township government"),
    "park_committee": ("园区管委会", "Park committee"),
    "department": ("职能部门", "Department"),
    "utility": ("公用企业", "Utility"),
}
TASK_STATE_LABELS = {
    "assigned": ("办理中", "Assigned"),
    "delivered": ("已办结", "Delivered"),
    "overdue": ("逾期未办结", "Overdue"),
}
GROUND_LABELS = {
    "inaction": ("不作为", "Inaction"),
    "slow_action": ("慢作为", "Slow action"),
    "misconduct": ("乱作为", "Misconduct"),
    "missed_deadline": ("逾期未完成任务", "Missed deadline"),
    "rebound": ("已关停企业死灰复燃", "Rebound of a closed firm"),
}
DECISION_LABELS = {
    "interview": ("约谈", "Interview (约谈)"),
    "criticism": ("通报批评", "Public criticism"),
    "written_review": ("责令书面检查", "Written self-criticism ordered"),
    "discipline_referral": ("移送纪委监委", "Referred to the discipline commission"),
}
RECORD_STATE_LABELS = {
    "open": ("待说明整改", "Awaiting answer"),
    "overdue": ("逾期未说明", "Answer overdue"),
    "answered": ("已说明", "Answered"),
    "closed": ("已结案", "Closed"),
}
TARGET_LABELS = {"unit": ("单位", "Unit"), "official": ("个人", "Official")}


def label(table: dict, key, locale: str = "zh_CN") -> str:
    pair = table.get(key)
    if not pair:
        return "" if key is None else str(key)
    return pair[0] if str(locale).startswith("zh") else pair[1]
