"""The scoreboard's weights (考核计分办法, issue 20): how each figure counts in a township's or
unit's score. Pure Python, read once at start-up: ``create_app`` validates ``SCOREBOARD_WEIGHTS``
and a bad value stops the start-up with the metric named (never a 500 at the first ranking).

score = BASE + Σ weight × count (for the counted figures)
             + Σ weight × share (for the two shares, 0 to 1; a share with nothing to share
               — no complaints, no tasks due — adds nothing)

The default is a PROPOSAL to confirm with the city's evaluation office (docs/oversight.md):
rewards for closures and on-time rectifications, penalties for what is overdue, rebounds and
accountability, and up to 10 points each for answering complaints and delivering tasks on time.
A bureau sets its own in ``instance/config.py`` (a dict) or the environment (JSON), naming only
the metrics it changes; the others keep the default."""

from __future__ import annotations

import json
import math

#: The score every township and unit starts from.
BASE = 100.0

#: metric → (default weight, what it multiplies, in English and Chinese). The order is the
#: order the ranking page and the export print the formula in.
METRICS: dict[str, tuple[float, str, str]] = {
    "closed": (2, "closures executed", "关停取缔（家）"),
    "rectified_on_time": (1, "orders rectified on time", "按期整改（家）"),
    "overdue_orders": (-2, "orders overdue at the end of the period", "逾期未办结（件）"),
    "rebounds": (-5, "rebounds after closure", "关停后反弹（家）"),
    "tasks_overdue": (-3, "tasks overdue", "逾期未完成任务（项）"),
    "accountability": (-5, "accountability records", "被问责（次）"),
    "complaint_share": (10, "share of complaints answered in time (0–1)", "信访按期答复率"),
    "task_share": (10, "share of tasks delivered on time (0–1)", "任务按期完成率"),
}
COUNTED = tuple(k for k in METRICS if not k.endswith("_share"))
SHARES = ("complaint_share", "task_share")
DEFAULTS: dict[str, float] = {k: v[0] for k, v in METRICS.items()}
#: No single weight may outweigh the base ten times over: a typo (2000 for 2) is caught.
LIMIT = 1000


class WeightsError(ValueError):
    """SCOREBOARD_WEIGHTS cannot be used; the message names the metric and what is wrong."""


def validate(value) -> dict[str, float]:
    """The complete weights from a bureau's setting (None or {}: the defaults). A JSON string
    (from the environment) is read first. Raises WeightsError naming every problem."""
    if value is None or value == "":
        return dict(DEFAULTS)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise WeightsError(f"SCOREBOARD_WEIGHTS is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise WeightsError(
            "SCOREBOARD_WEIGHTS must be a mapping of metric to weight, e.g. "
            '{"closed": 2, "rebounds": -5}'
        )
    problems = []
    out = dict(DEFAULTS)
    for key, weight in value.items():
        if key not in METRICS:
            problems.append(f"unknown metric {key!r} (known: {', '.join(METRICS)})")
            continue
        if (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not math.isfinite(weight)
        ):
            problems.append(f"{key}: the weight must be a number, not {weight!r}")
        elif abs(weight) > LIMIT:
            problems.append(f"{key}: the weight {weight!r} is beyond ±{LIMIT}")
        else:
            out[key] = float(weight)
    if problems:
        raise WeightsError("SCOREBOARD_WEIGHTS: " + "; ".join(problems))
    return out


def from_app() -> dict[str, float]:
    """The weights of the running app: validated at start-up (create_app), read again if the
    setting was changed since (a test, a shell), so every ranking follows the configuration."""
    from flask import current_app

    raw = current_app.config.get("SCOREBOARD_WEIGHTS")
    cached = current_app.extensions.get("scoreboard_weights_from")
    if cached is None or cached[0] != raw:
        cached = (dict(raw) if isinstance(raw, dict) else raw, validate(raw))
        current_app.extensions["scoreboard_weights_from"] = cached
    return cached[1]


def score(row: dict, weights: dict[str, float]) -> float:
    """A row's score: the base plus each counted figure and each share times its weight."""
    total = BASE
    for key in COUNTED:
        total += weights[key] * row[key]
    if row["complaints"]:
        total += weights["complaint_share"] * row["complaints_answered_on_time"] / row["complaints"]
    if row["tasks_due"]:
        total += weights["task_share"] * row["tasks_on_time"] / row["tasks_due"]
    return round(total, 2)


def rank(rows: list[dict]) -> list[dict]:
    """Order by score, then fewer overdue orders, then code; number the ranks from 1."""
    rows.sort(key=lambda r: (-r["score"], r["overdue_orders"], r["code"]))
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    return rows


def formula(weights: dict[str, float], *, zh: bool = True) -> str:
    """The score as one line a person reads, e.g. 基础分100 + 关停取缔（家）×2 − …"""
    parts = [("基础分" if zh else "base ") + _num(BASE)]
    for key, (_default, en, cn) in METRICS.items():
        w = weights[key]
        if w == 0:
            continue
        sign = "+" if w > 0 else "−"
        parts.append(f"{sign} {cn if zh else en} × {_num(abs(w))}")
    return " ".join(parts)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
