"""The scoreboard (考核) as the city's evaluation office reads it: one row per township (or
unit), ranked, with Chinese headers; written by the constant-memory XLSX writer (formulas off)."""

from __future__ import annotations

from collections.abc import Iterator

from .columns import Column
from .xlsx import iter_xlsx


def _pct(key: str):
    return lambda r: "" if r.get(key) is None else f"{r[key] * 100:.1f}%"


def columns(by: str) -> list[Column]:
    name = "乡镇/园区" if by != "unit" else "责任单位"
    return [
        Column("rank", "排名", "int", 6),
        Column("name", name, "text", 18),
        Column("firms_found", "发现问题企业", "int", 10),
        Column("closed", "关停取缔", "int", 9),
        Column("rectified_on_time", "按期整改", "int", 9),
        Column("overdue_orders", "逾期未办结", "int", 10),
        Column("rebounds", "关停后反弹", "int", 10),
        Column("complaints", "信访投诉", "int", 9),
        Column("complaint_share", "按期答复率", "label", 10, _pct("complaint_share")),
        Column("tasks_due", "责任任务", "int", 9),
        Column("tasks_on_time", "按期完成", "int", 9),
        Column("tasks_overdue", "逾期未完成", "int", 10),
        Column("task_share", "任务按期完成率", "label", 12, _pct("task_share")),
        Column("accountability", "问责", "int", 7),
        # A number with two decimals: the money format of the writer (hundredths / 100).
        Column(
            "score",
            "考核得分",
            "money",
            9,
            lambda r: None if r.get("score") is None else round(r["score"] * 100),
        ),
    ]


def weight_rows(weights: dict) -> list[dict]:
    """How the score is made, under the ranking: a blank row, then the base and each metric's
    weight, one a row in the name column (so the evaluation office sees the formula)."""
    from ..services.tally.weights import BASE, METRICS, formula

    rows = [{}, {"name": "计分办法：" + formula(weights)}, {"name": f"基础分 {BASE:g}"}]
    rows += [{"name": f"{cn} × {weights[key]:g}"} for key, (_d, _en, cn) in METRICS.items()]
    return rows


def scoreboard_xlsx(
    rows: list[dict], p, *, by: str = "township", weights: dict | None = None
) -> Iterator[bytes]:
    title = f"考核排名 {p.start.isoformat()} 至 {p.end.isoformat()}"
    tail = weight_rows(weights) if weights else []
    return iter_xlsx(columns(by), [*rows, *tail], title=title, sheet="考核排名")
