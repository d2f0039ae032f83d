"""Workflow configuration: national defaults, overridden per action and per township.

A bureau's ``WORKFLOW_RULES`` mapping looks like::

    {"stop": {"period_months": 2},
     "townships": {"Xinzhuang": {"rectify": {"default_days": 15}}}}

Every key is validated; a mistake is a ``ConfigError`` naming the full path.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping

from .types import ConfigError

ROOT = "WORKFLOW_RULES"
RISK_CLASSES = ("A", "B", "C")


def _pos_int(v: Any) -> str | None:
    return (
        None
        if isinstance(v, int) and not isinstance(v, bool) and v > 0
        else "must be a positive integer"
    )


def _nonneg_int(v: Any) -> str | None:
    ok = isinstance(v, int) and not isinstance(v, bool) and v >= 0
    return None if ok else "must be a non-negative integer"


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "must be true or false"


def _day_choices(v: Any) -> str | None:
    ok = (
        isinstance(v, (list, tuple))
        and len(v) > 0
        and all(_nonneg_int(x) is None for x in v)
        and len(set(v)) == len(v)
    )
    return None if ok else "must be a non-empty list of distinct non-negative integers"


def _month_steps(v: Any) -> str | None:
    ok = (
        isinstance(v, (list, tuple))
        and len(v) > 0
        and all(_pos_int(x) is None for x in v)
        and list(v) == sorted(set(v))
    )
    return None if ok else "must be a non-empty increasing list of positive integers"


def _risk_months(v: Any) -> str | None:
    ok = (
        isinstance(v, Mapping)
        and set(v) == set(RISK_CLASSES)
        and all(_pos_int(x) is None for x in v.values())
    )
    return None if ok else "must map each of A, B, C to a positive number of months"


Check = Callable[[Any], "str | None"]

# (check, default). The default is the national rule; the source is cited in docs/workflows.md.
SCHEMA: dict[str, dict[str, tuple[Check, Any]]] = {
    "rectify": {
        "default_days": (_nonneg_int, 30),
        "allowed_days": (_day_choices, (0, 7, 15, 30, 60, 90)),
        "reinspect_working_days": (_pos_int, 5),
    },
    "stop": {
        "plan_due_working_days": (
            _pos_int,
            15,
        ),  # MEP Order No. 30 (2014): plan filed within 15 working days
        "period_months": (_pos_int, 3),
        "max_extension_months": (_pos_int, 3),  # MEP Order No. 30: one extension, at most 3 months
        "verify_working_days": (_pos_int, 15),
        "first_check_days": (_pos_int, 7),
        "check_interval_days": (_pos_int, 30),
        "post_resumption_days": (_pos_int, 30),
        # Local campaign rule, not national law: a 限制生产 period that ends unrectified proposes
        # closure (never closes: EPL Art. 60 needs the people's government's approval).
        "propose_close_on_expiry": (_bool, True),
    },
    "close": {
        "execute_days": (_pos_int, 15),
        "verify_working_days": (_pos_int, 5),
        "anti_rebound_months": (_month_steps, (1, 3, 6)),
        # Administrative Compulsion Law Art. 43: no forced execution at night. The law does not
        # define night; 22:00-06:00 is the usual reading (engine default, configurable).
        "night_from_hour": (_nonneg_int, 22),
        "night_until_hour": (_nonneg_int, 6),
    },
    "fine": {
        "hearing_request_working_days": (_pos_int, 5),  # APL Art. 64
        "decide_days": (_pos_int, 90),  # APL Art. 60
        "pay_days": (_pos_int, 15),  # APL Art. 67
        "surcharge_bp_per_day": (_pos_int, 300),  # APL Art. 72: 3 % a day (basis points)
        "reconsideration_days": (_pos_int, 60),  # Administrative Reconsideration Law
        "litigation_months": (_pos_int, 6),  # Administrative Litigation Law
        "enforce_months": (_pos_int, 3),  # Administrative Compulsion Law Art. 53
        "enforce_requires_lapsed_appeal": (_bool, True),  # Administrative Compulsion Law Art. 53
        "publish_working_days": (_pos_int, 7),
        "daily_penalty_reinspect_days": (
            _pos_int,
            30,
        ),  # MEP Order No. 28 (2014): re-inspection within 30 days
        "after_reconsideration_litigation_days": (
            _pos_int,
            15,
        ),  # Administrative Litigation Law Art. 45
        "hearing_notice_days": (
            _pos_int,
            7,
        ),  # APL Art. 64: hearing notified at least 7 days before
        "decide_extension_days": (
            _pos_int,
            30,
        ),  # 生态环境行政处罚办法 (2023): each extension at most 30 days
        "decide_extensions_max": (
            _pos_int,
            2,
        ),  # the second one only by collective decision (same article)
        "demand_days": (
            _pos_int,
            10,
        ),  # Administrative Compulsion Law Art. 54: 10 days after the demand
        "enforce_requires_demand": (_bool, True),  # Administrative Compulsion Law Art. 54
    },
    "control": {
        "permit_renewal_days_before": (
            _pos_int,
            60,
        ),  # Regulation on Pollutant Discharge Permits Art. 14
        "monitoring_interval_months": (_pos_int, 3),
        "monitoring_report_days": (_nonneg_int, 15),
        "tax_declare_days": (
            _pos_int,
            15,
        ),  # Environmental Protection Tax Law: within 15 days of quarter end
        "inspection_months": (_risk_months, {"A": 3, "B": 6, "C": 12}),
        "gate_fix_days": (_pos_int, 30),
        "routine_unannounced": (_bool, True),
    },
    "seal": {
        "max_days": (_pos_int, 30),  # Administrative Compulsion Law Art. 25: at most 30 days
        "max_extension_days": (_pos_int, 30),  # ACL Art. 25: one extension, at most 30 days
        "check_days": (_pos_int, 15),  # engine default: seals checked within 15 days, then every 15
    },
}

ACTION_NAMES = tuple(SCHEMA)


class ActionRules(Mapping[str, Any]):
    """The effective, read-only parameters of one action (attribute or item access)."""

    def __init__(self, action: str, values: Mapping[str, Any]):
        object.__setattr__(self, "_action", action)
        object.__setattr__(self, "_values", MappingProxyType(dict(values)))

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"no rule {self._action}.{key}") from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("rules are read-only")

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"ActionRules({self._action!r}, {dict(self._values)!r})"


def _freeze(v: Any) -> Any:
    if isinstance(v, Mapping):
        return MappingProxyType({k: _freeze(x) for k, x in v.items()})
    if isinstance(v, list):
        return tuple(v)
    return v


def _validate_action(action: str, values: Mapping[str, Any], path: str) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        raise ConfigError(f"{path}: must be a mapping of rule names to values")
    out = {}
    schema = SCHEMA[action]
    for key, value in values.items():
        if key not in schema:
            raise ConfigError(f"{path}.{key}: unknown rule (known: {', '.join(sorted(schema))})")
        why = schema[key][0](value)
        if why:
            raise ConfigError(f"{path}.{key}: {why}")
        out[key] = _freeze(value)
    return out


def _check_combined(action: str, values: Mapping[str, Any], path: str) -> None:
    if action == "rectify" and values["default_days"] not in values["allowed_days"]:
        raise ConfigError(
            f"{path}.default_days: must be one of allowed_days {list(values['allowed_days'])}"
        )
    if action == "stop" and values["max_extension_months"] > 3:
        # MEP Order No. 30 (2014): the extension may not exceed three months.
        raise ConfigError(f"{path}.max_extension_months: must not exceed 3 (MEP Order No. 30)")
    if action == "control" and 12 % values["monitoring_interval_months"] != 0:
        raise ConfigError(
            f"{path}.monitoring_interval_months: must divide the year (1, 2, 3, 4, 6 or 12)"
        )
    if action == "seal" and (values["max_days"] > 30 or values["max_extension_days"] > 30):
        # Administrative Compulsion Law Art. 25: 30 days, extended once by at most 30 days.
        raise ConfigError(
            f"{path}: max_days and max_extension_days must not exceed 30 (ACL Art. 25)"
        )
    if action == "fine" and values["surcharge_bp_per_day"] > 10000:
        raise ConfigError(f"{path}.surcharge_bp_per_day: must not exceed 10000 (100 %)")
    if action == "fine" and values["hearing_notice_days"] < 7:
        raise ConfigError(f"{path}.hearing_notice_days: must be at least 7 (APL Art. 64)")
    if action == "fine" and values["decide_extension_days"] > 30:
        raise ConfigError(
            f"{path}.decide_extension_days: must not exceed 30 (生态环境行政处罚办法 2023)"
        )
    if action == "fine" and values["decide_extensions_max"] > 2:
        raise ConfigError(
            f"{path}.decide_extensions_max: must not exceed 2 (生态环境行政处罚办法 2023)"
        )
    if action == "fine" and values["demand_days"] < 10:
        raise ConfigError(
            f"{path}.demand_days: must be at least 10 (Administrative Compulsion Law Art. 54)"
        )


class Rules:
    def __init__(
        self,
        actions: Mapping[str, Mapping[str, Any]],
        townships: Mapping[str, Mapping[str, Mapping[str, Any]]],
    ):
        self._actions = actions
        self._townships = townships
        self._cache: dict[tuple[str, str | None], ActionRules] = {}

    @classmethod
    def default(cls) -> "Rules":
        return cls.from_mapping({})

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None) -> "Rules":
        mapping = mapping or {}
        if not isinstance(mapping, Mapping):
            raise ConfigError(f"{ROOT}: must be a mapping")
        actions: dict[str, dict[str, Any]] = {}
        for action, schema in SCHEMA.items():
            base = {k: _freeze(default) for k, (_, default) in schema.items()}
            base.update(_validate_action(action, mapping.get(action, {}), f"{ROOT}.{action}"))
            _check_combined(action, base, f"{ROOT}.{action}")
            actions[action] = base
        townships: dict[str, dict[str, dict[str, Any]]] = {}
        for key, value in mapping.items():
            if key in SCHEMA:
                continue
            if key != "townships":
                raise ConfigError(
                    f"{ROOT}.{key}: unknown key (expected an action {list(SCHEMA)} or 'townships')"
                )
            if not isinstance(value, Mapping):
                raise ConfigError(
                    f"{ROOT}.townships: must map township names to per-action overrides"
                )
            for township, per_action in value.items():
                path = f"{ROOT}.townships.{township}"
                if not isinstance(township, str) or not township:
                    raise ConfigError(f"{path}: township names must be non-empty strings")
                if not isinstance(per_action, Mapping):
                    raise ConfigError(f"{path}: must map actions to rule overrides")
                townships[township] = {}
                for action, overrides in per_action.items():
                    if action not in SCHEMA:
                        raise ConfigError(
                            f"{path}.{action}: unknown action (known: {', '.join(SCHEMA)})"
                        )
                    checked = _validate_action(action, overrides, f"{path}.{action}")
                    _check_combined(action, {**actions[action], **checked}, f"{path}.{action}")
                    townships[township][action] = checked
        return cls(actions, townships)

    def for_action(self, action: str, township: str | None = None) -> ActionRules:
        if action not in self._actions:
            raise ConfigError(f"{ROOT}: unknown action {action!r}")
        key = (action, township)
        cached = self._cache.get(key)
        if cached is None:
            values = dict(self._actions[action])
            if township is not None:
                values.update(self._townships.get(township, {}).get(action, {}))
            cached = self._cache[key] = ActionRules(action, values)
        return cached
