"""Import a bureau's enterprise registry (污染源名录) from its own spreadsheet.

Three steps, each usable from the pages and the CLI:
1. ``read_table``: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16) or XLSX, headers in any order.
2. ``analyse``: every row classified as new, update (with a per-field diff), unchanged or
   rejected, with each problem named. Nothing is written.
3. ``apply``: the new and changed rows in ONE transaction (bulk insert/update, bulk audit).
Rejected rows go back to the bureau as a spreadsheet with the reasons (``rejected_xlsx``).

Matching an existing enterprise: by credit code, else by the same name within 100 m. A matched
row is an update (or unchanged), so importing the same file twice changes nothing.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable

from sqlalchemy import func, insert, select, update

from enforcement import credit_code as cc
from enforcement.domain import INDUSTRIES
from enforcement.errors import Forbidden, ValidationError
from enforcement.extensions import db
from enforcement.geo import distance_m, gcj_to_wgs
from enforcement.models import Enterprise, ImportMapping, Township
from enforcement.models.enterprise import RISK_CLASSES
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor

#: Two registry rows with the same name closer than this are the same site.
SAME_SITE_M = 100.0

FIELDS = ("name", "credit_code", "address", "township", "industry", "lon", "lat", "risk_class",
          "permit_no", "permit_expires", "contact_name", "contact_phone")

#: The headers bureaus actually use, normalised (see ``_norm_header``). The first is canonical.
SYNONYMS = {
    "name": ("企业名称", "单位名称", "名称", "企业(单位)名称", "污染源名称", "排污单位名称", "企业名",
             "name", "enterprisename"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "组织机构代码",
                    "creditcode", "uscc"),
    "address": ("地址", "企业地址", "详细地址", "生产地址", "生产经营场所地址", "注册地址", "address"),
    "township": ("乡镇/园区", "乡镇(园区)", "乡镇", "园区", "所属乡镇", "所属乡镇(园区)", "乡镇街道",
                 "街道", "所在乡镇", "township"),
    "industry": ("行业", "行业类别", "所属行业", "行业类型", "industry"),
    "lon": ("经度", "中心经度", "经度(东经)", "lng", "lon", "longitude"),
    "lat": ("纬度", "中心纬度", "纬度(北纬)", "lat", "latitude"),
    "risk_class": ("风险等级", "监管级别", "风险类别", "监管类别", "risk", "riskclass"),
    "permit_no": ("排污许可证编号", "许可证编号", "排污许可证号", "许可证号", "permitno"),
    "permit_expires": ("许可证有效期", "有效期至", "许可证有效期至", "许可证到期日", "有效期",
                       "permitexpires"),
    "contact_name": ("联系人", "环保负责人", "负责人", "联系人姓名", "contact", "contactname"),
    "contact_phone": ("联系电话", "电话", "手机", "联系方式", "手机号码", "phone", "contactphone"),
}

MAX_LENGTHS = {"name": 200, "address": 300, "permit_no": 60, "contact_name": 80,
               "contact_phone": 40}

#: Every problem and warning, zh and en (the reasons column of the rejected download).
REASONS = {
    "name_missing": ("缺少企业名称", "Name missing"),
    "too_long": ("{field}过长（最多{limit}字）", "{field} too long (at most {limit} characters)"),
    "needs_pinning": ("缺少坐标，需在地图上标注位置", "No coordinates: needs pinning on the map"),
    "geocode_failed": ("地址无法定位，需在地图上标注位置",
                       "Address could not be geocoded: needs pinning on the map"),
    "coordinates_invalid": ("坐标不是有效数字（经度 {lon}，纬度 {lat}）",
                            "Coordinates are not numbers (longitude {lon}, latitude {lat})"),
    "coordinates_swapped": ("经纬度疑似填反，建议改为经度 {lon}、纬度 {lat}",
                            "Latitude and longitude look swapped: use longitude {lon}, latitude {lat}"),
    "outside_area": ("坐标（经度 {lon}，纬度 {lat}）不在本局辖区范围内",
                     "Coordinates (longitude {lon}, latitude {lat}) are outside the bureau's area"),
    "credit_code_invalid": ("统一社会信用代码有误：{why}", "Credit code is wrong: {why}"),
    "township_unknown": ("未知的乡镇/园区：{value}", "Unknown township or park: {value}"),
    "date_invalid": ("许可证有效期无法识别：{value}", "Permit expiry is not a date: {value}"),
    "duplicate_in_file": ("与本表第{line}行重复（{by}）", "Duplicate of row {line} ({by})"),
    "duplicate_existing": ("与已有企业 #{id}「{name}」同名且相距{m}米，但信用代码不同",
                           "Same name as existing enterprise #{id} “{name}” {m} m away, "
                           "but a different credit code"),
    "ambiguous_match": ("信用代码与已有企业 #{a} 相同，名称与位置却与企业 #{b} 相同",
                        "Credit code matches enterprise #{a} but name and place match #{b}"),
    "industry_unknown": ("未识别的行业“{value}”，按“其他”导入",
                         "Unknown industry “{value}”: imported as Other"),
    "risk_unknown": ("未识别的风险等级“{value}”，按 C 导入",
                     "Unknown risk class “{value}”: imported as C"),
}

BY_LABELS = {"credit_code": ("信用代码相同", "same credit code"),
             "name": ("同名且相距不足100米", "same name within 100 m")}

FIELD_LABELS = {f: (SYNONYMS[f][0], f) for f in FIELDS}

RISK_WORDS = {"a": "A", "重点": "A", "重点监管": "A", "重点排污单位": "A", "高": "A",
              "b": "B", "一般": "B", "一般监管": "B", "中": "B",
              "c": "C", "简化": "C", "简化管理": "C", "登记": "C", "登记管理": "C", "低": "C"}


def reason_text(code: str, params: dict, locale: str = "zh_CN") -> str:
    zh = str(locale).startswith("zh")
    template = REASONS[code][0 if zh else 1]
    values = dict(params)
    if "by" in values:
        values["by"] = BY_LABELS[values["by"]][0 if zh else 1]
    if "field" in values:
        values["field"] = FIELD_LABELS[values["field"]][0 if zh else 1]
    return template.format(**values)


# ---------------------------------------------------------------- reading


@dataclass
class Table:
    filename: str
    headers: list[str]
    #: (spreadsheet line number, cells), blank lines left out.
    rows: list[tuple[int, list]]


def _decode(data: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: what Excel in Chinese Windows writes.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationError("The file is neither UTF-8 nor GBK text.",
                              {"file": "save it as CSV (UTF-8) or XLSX"}) from None


def _blank(cells) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def _from_rows(filename: str, rows: Iterable[Iterable]) -> Table:
    headers: list[str] | None = None
    body: list[tuple[int, list]] = []
    for line, cells in enumerate(rows, start=1):
        cells = list(cells)
        if _blank(cells):
            continue
        if headers is None:
            # A title line above the header ("某某市污染源名录") has one filled cell: skip it.
            if sum(1 for c in cells if c not in (None, "")) < 2:
                continue
            headers = [cell_text(c) for c in cells]
            continue
        body.append((line, cells))
    if headers is None:
        raise ValidationError("The file has no header row.", {"file": "no header row found"})
    width = len(headers)
    return Table(filename, headers, [(n, (c + [None] * width)[:width]) for n, c in body])


def read_table(data: bytes, filename: str = "") -> Table:
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise ValidationError("The spreadsheet cannot be read.",
                                  {"file": "not a valid XLSX file"}) from None
        try:
            return _from_rows(filename, book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValidationError("Old Excel (.xls) files are not read.",
                              {"file": "save it as XLSX or CSV in Excel first"})
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "|"), key=first.count)
    return _from_rows(filename, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


# ---------------------------------------------------------------- mapping

_HEADER_JUNK = re.compile(r"[\s*:：_\-]")


def _norm_header(text: str) -> str:
    text = text.replace("（", "(").replace("）", ")").replace("／", "/")
    return _HEADER_JUNK.sub("", text).lower()


_SYNONYM_INDEX = {_norm_header(s): f for f, names in SYNONYMS.items() for s in names}


def guess_mapping(headers: list[str]) -> list[str]:
    """The field of each column ("" = ignored); each field taken by its first column only."""
    taken: set[str] = set()
    result = []
    for header in headers:
        guess = _SYNONYM_INDEX.get(_norm_header(header), "")
        if guess in taken:
            guess = ""
        taken.add(guess)
        result.append(guess)
    return result


def signature(headers: list[str]) -> str:
    return hashlib.sha256("\x1f".join(_norm_header(h) for h in headers).encode()).hexdigest()


@dataclass
class Mapping:
    columns: list[str]  #: field per column, "" = ignored
    coordinates: str = "wgs84"  #: or ``gcj02``
    remembered: bool = False


def mapping_for(headers: list[str]) -> Mapping:
    """The remembered mapping for these headers, else a guess from the usual synonyms."""
    stored = db.session.scalar(select(ImportMapping).where(
        ImportMapping.signature == signature(headers)))
    if stored is not None:
        columns = [stored.mapping.get(h, "") for h in headers]
        return Mapping(columns, stored.coordinates, remembered=True)
    return Mapping(guess_mapping(headers))


def check_mapping(columns: list[str]) -> None:
    fields: dict[str, str] = {}
    chosen = [c for c in columns if c]
    unknown = sorted(set(chosen) - set(FIELDS))
    if unknown:
        fields["mapping"] = "unknown fields: " + ", ".join(unknown)
    twice = sorted({c for c in chosen if chosen.count(c) > 1})
    if twice:
        fields["mapping"] = "chosen for more than one column: " + ", ".join(twice)
    if "name" not in chosen:
        fields["name"] = "choose the column with the enterprise name"
    if ("lat" in chosen) != ("lon" in chosen):
        fields["lat"] = "choose both the latitude and the longitude column, or neither"
    if fields:
        raise ValidationError("The column mapping is incomplete.", fields)


def remember_mapping(actor: Actor, headers: list[str], columns: list[str], coordinates: str, *,
                     now: datetime) -> ImportMapping:
    _require(actor)
    check_mapping(columns)
    if coordinates not in ("wgs84", "gcj02"):
        raise ValidationError("Unknown coordinate system.", {"coordinates": "wgs84 or gcj02"})
    sig = signature(headers)
    stored = db.session.scalar(select(ImportMapping).where(ImportMapping.signature == sig))
    mapping = dict(zip(headers, columns))
    if stored is None:
        stored = ImportMapping(signature=sig, headers=list(headers))
        db.session.add(stored)
    elif stored.mapping == mapping and stored.coordinates == coordinates:
        return stored
    stored.mapping, stored.coordinates = mapping, coordinates
    stored.updated_at, stored.updated_by = now, actor.username
    db.session.flush()
    audit.record(actor, "import.mapping", "import_mapping", stored.id, now=now,
                 after={"mapping": mapping, "coordinates": coordinates})
    return stored


def _require(actor: Actor) -> None:
    if not actor.is_reviewer:
        raise Forbidden("Only reviewers and administrators import the registry.")


# ---------------------------------------------------------------- analysis


@dataclass
class Row:
    line: int
    cells: list
    status: str = "new"  #: new, update, unchanged, rejected
    values: dict = field(default_factory=dict)
    problems: list[tuple[str, dict]] = field(default_factory=list)
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    enterprise_id: int | None = None
    #: field -> (old, new) for an update
    changes: dict = field(default_factory=dict)


@dataclass
class Analysis:
    table: Table
    mapping: Mapping
    rows: list[Row]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("new", "update", "unchanged", "rejected")}

    def of(self, status: str) -> list[Row]:
        return [r for r in self.rows if r.status == status]


_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _float(text: str) -> float | None:
    text = text.replace("°", "").replace("，", ".").strip()
    if not _NUMBER.match(text):
        raise ValueError(text)
    return float(text)


_DATE_PATTERNS = (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
                  re.compile(r"^(\d{4})(\d{2})(\d{2})$"))


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    # "2022-06-01至2027-05-31": a validity period; the expiry is its end.
    for sep in ("至", "~", "—", "－"):
        if sep in text:
            text = text.rsplit(sep, 1)[1].strip()
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            return date(*(int(g) for g in found.groups()))
    raise ValueError(text)


def _in_box(lat: float, lon: float, box) -> bool:
    min_lon, min_lat, max_lon, max_lat = box
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def _industry(text: str) -> str | None:
    key = text.strip().lower()
    for code, (zh, en) in INDUSTRIES.items():
        if key in (code, zh.lower(), en.lower()):
            return code
    return None


class _Existing:
    """The registry as it is, in memory: one query, then dictionary look-ups (100,000 rows)."""

    COLUMNS = ("id", "name", "credit_code", "address", "township_id", "industry", "lat", "lon",
               "risk_class", "permit_no", "permit_expires", "contact_name", "contact_phone")

    def __init__(self):
        self.by_id: dict[int, dict] = {}
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        stmt = select(*(getattr(Enterprise, c) for c in self.COLUMNS))
        for values in db.session.execute(stmt):
            record = dict(zip(self.COLUMNS, values))
            self.by_id[record["id"]] = record
            if record["credit_code"]:
                self.by_code[record["credit_code"]] = record["id"]
            self.by_name.setdefault(_norm_name(record["name"]), []).append(record["id"])

    def near_same_name(self, name: str, lat: float, lon: float) -> tuple[int, float] | None:
        best = None
        for eid in self.by_name.get(_norm_name(name), ()):
            e = self.by_id[eid]
            d = distance_m(lat, lon, e["lat"], e["lon"])
            if d <= SAME_SITE_M and (best is None or d < best[1]):
                best = (eid, d)
        return best


def _norm_name(name: str) -> str:
    return re.sub(r"\s", "", name).replace("（", "(").replace("）", ")")


def _townships() -> dict[str, int]:
    index: dict[str, int] = {}
    for t in db.session.scalars(select(Township)):
        for key in (t.code, t.name, t.name_en):
            if key:
                index[key.strip().lower()] = t.id
    return index


def analyse(table: Table, mapping: Mapping, *, bbox, township_default: str | None = None,
            geocode: Callable[[str], tuple[float, float] | None] | None = None,
            progress: Callable[[int], None] | None = None) -> Analysis:
    """Classify every row. Reads the database, writes nothing."""
    check_mapping(mapping.columns)
    existing = _Existing()
    townships = _townships()
    default_township = None
    if township_default:
        default_township = townships.get(township_default.strip().lower())
        if default_township is None:
            raise ValidationError("Unknown default township.",
                                  {"township_default": f"no township {township_default!r}"})
    column_of = {f: i for i, f in enumerate(mapping.columns) if f}
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, list[tuple[int, float, float]]] = {}
    matched: dict[int, int] = {}
    geocoded: dict[str, tuple[float, float] | None] = {}
    rows: list[Row] = []
    for index, (line, cells) in enumerate(table.rows):
        raw = {f: cells[i] for f, i in column_of.items()}
        row = Row(line, cells)
        _clean(row, raw, townships, default_township)
        _locate(row, raw, mapping.coordinates, bbox, geocode, geocoded)
        _match(row, existing, seen_codes, seen_names, matched)
        rows.append(row)
        if progress and index % 1000 == 999:
            progress(1000)
    if progress:
        progress(len(table.rows) % 1000)
    return Analysis(table, mapping, rows)


def _clean(row: Row, raw: dict, townships: dict[str, int], default_township: int | None) -> None:
    values = row.values
    for key in ("name", "address", "permit_no", "contact_name", "contact_phone"):
        if key in raw:
            text = cell_text(raw[key])
            if len(text) > MAX_LENGTHS[key]:
                row.problems.append(("too_long", {"field": key, "limit": MAX_LENGTHS[key]}))
            elif text:
                values[key] = text
    if not values.get("name") and not any(p[0] == "too_long" and p[1]["field"] == "name"
                                          for p in row.problems):
        row.problems.append(("name_missing", {}))
    code = cc.normalise(cell_text(raw.get("credit_code")))
    if code:
        why = cc.validate(code)
        if why:
            row.problems.append(("credit_code_invalid", {"why": _credit_reason(code)}))
        else:
            values["credit_code"] = code
    township = cell_text(raw.get("township"))
    if township:
        found = townships.get(township.lower())
        if found is None:
            row.problems.append(("township_unknown", {"value": township}))
        else:
            values["township_id"] = found
    elif default_township is not None:
        values["township_id"] = default_township
    industry = cell_text(raw.get("industry"))
    if industry:
        code_ = _industry(industry)
        if code_ is None:
            row.warnings.append(("industry_unknown", {"value": industry}))
            code_ = "other"
        values["industry"] = code_
    risk = cell_text(raw.get("risk_class"))
    if risk:
        risk_code = RISK_WORDS.get(risk.lower().replace("类", "").replace("级", "")) or (
            risk.upper() if risk.upper() in RISK_CLASSES else None)
        if risk_code is None:
            row.warnings.append(("risk_unknown", {"value": risk}))
            risk_code = "C"
        values["risk_class"] = risk_code
    expires = raw.get("permit_expires")
    if cell_text(expires):
        try:
            values["permit_expires"] = _date(expires)
        except ValueError:
            row.problems.append(("date_invalid", {"value": cell_text(expires)}))


def _credit_reason(code: str) -> str:
    """Why a credit code is wrong, in figures that read the same in both languages."""
    if len(code) != 18:
        return f"{len(code)} ≠ 18"
    bad = "".join(sorted({c for c in code if c not in cc.ALPHABET}))
    if bad:
        return f"✗ {bad}"
    return f"{code[17]} → {cc.check_character(code[:17])}"


def _locate(row: Row, raw: dict, system: str, bbox, geocode, cache: dict) -> None:
    lat_text, lon_text = cell_text(raw.get("lat")), cell_text(raw.get("lon"))
    if not lat_text and not lon_text:
        address = row.values.get("address")
        if geocode and address:
            if address not in cache:
                cache[address] = geocode(address)
            found = cache[address]
            if found is None:
                row.problems.append(("geocode_failed", {}))
                return
            lat, lon = found
            if not _in_box(lat, lon, bbox):
                row.problems.append(("outside_area", {"lat": round(lat, 6), "lon": round(lon, 6)}))
                return
            row.values["lat"], row.values["lon"] = lat, lon
            return
        row.problems.append(("needs_pinning", {}))
        return
    try:
        lat, lon = _float(lat_text), _float(lon_text)
    except ValueError:
        row.problems.append(("coordinates_invalid", {"lat": lat_text, "lon": lon_text}))
        return
    if not _in_box(lat, lon, bbox) and _in_box(lon, lat, bbox):
        row.problems.append(("coordinates_swapped", {"lat": lon, "lon": lat}))
        return
    if system == "gcj02":
        lat, lon = gcj_to_wgs(lat, lon)
    if not _in_box(lat, lon, bbox):
        row.problems.append(("outside_area", {"lat": lat_text, "lon": lon_text}))
        return
    row.values["lat"], row.values["lon"] = round(lat, 7), round(lon, 7)


def _match(row: Row, existing: _Existing, seen_codes: dict, seen_names: dict,
           matched: dict[int, int]) -> None:
    values = row.values
    code, name = values.get("credit_code"), values.get("name")
    has_place = "lat" in values
    # Within the file first: the bureau's own sheet often lists a firm twice.
    if code and code in seen_codes:
        row.problems.append(("duplicate_in_file", {"line": seen_codes[code], "by": "credit_code"}))
    elif name and has_place:
        for other_line, lat, lon in seen_names.get(_norm_name(name), ()):
            if distance_m(values["lat"], values["lon"], lat, lon) <= SAME_SITE_M:
                row.problems.append(("duplicate_in_file", {"line": other_line, "by": "name"}))
                break
    by_code = existing.by_code.get(code) if code else None
    by_name = existing.near_same_name(name, values["lat"], values["lon"]) \
        if name and has_place else None
    target = by_code
    if by_code is None and by_name is not None:
        other_code = existing.by_id[by_name[0]]["credit_code"]
        if code and other_code and other_code != code:
            e = existing.by_id[by_name[0]]
            row.problems.append(("duplicate_existing",
                                 {"id": e["id"], "name": e["name"], "m": round(by_name[1])}))
        else:
            target = by_name[0]
    elif by_code is not None and by_name is not None and by_name[0] != by_code:
        row.problems.append(("ambiguous_match", {"a": by_code, "b": by_name[0]}))
    if target is not None and target in matched and not row.problems:
        row.problems.append(("duplicate_in_file", {"line": matched[target], "by": "name"}))
    if target is not None:
        # An existing enterprise keeps its pin when the sheet has none for it.
        row.problems = [p for p in row.problems if p[0] not in ("needs_pinning", "geocode_failed")]
    if row.problems:
        row.status = "rejected"
        return
    if code:
        seen_codes[code] = row.line
    if name and has_place:
        seen_names.setdefault(_norm_name(name), []).append((row.line, values["lat"], values["lon"]))
    if target is None:
        row.status = "new"
        return
    matched[target] = row.line
    row.enterprise_id = target
    before = existing.by_id[target]
    for key, new in values.items():
        old = before[key]
        if key in ("lat", "lon"):
            same = old is not None and abs(old - new) < 1e-6
        else:
            same = old == new
        if not same:
            row.changes[key] = (old, new)
    row.status = "update" if row.changes else "unchanged"


# ---------------------------------------------------------------- applying


def _audit_values(values: dict, township_codes: dict[int, str]) -> dict:
    out = {}
    for key, value in values.items():
        if key == "township_id":
            out["township"] = township_codes.get(value)
        else:
            out[key] = value
    return out


def apply(actor: Actor, analysis: Analysis, *, now: datetime) -> dict[str, int]:
    """Insert the new rows and update the changed ones, in the caller's ONE transaction."""
    _require(actor)
    codes = dict(db.session.execute(select(Township.id, Township.code)).all())
    new_rows = analysis.of("new")
    inserted = []
    if new_rows:
        payload = [{"name": "", "address": "", "industry": "other", "risk_class": "C",
                    "permit_no": "", "contact_name": "", "contact_phone": "",
                    "status": "operating", "credit_code": None, "township_id": None,
                    "permit_expires": None, **r.values, "created_at": now, "updated_at": now}
                   for r in new_rows]
        before = db.session.scalar(select(func.max(Enterprise.id))) or 0
        # Core executemany: one statement per chunk (RETURNING would go row by row on SQLite).
        table = Enterprise.__table__
        for start in range(0, len(payload), 5000):
            db.session.execute(insert(table), payload[start:start + 5000])
        # Name and position identify a new row: two new rows sharing both were rejected as
        # duplicates, so the ids map back without relying on insertion order.
        ids = {(n, la, lo): i for i, n, la, lo in db.session.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.lat, Enterprise.lon).where(
                Enterprise.id > before, Enterprise.created_at == now))}
        inserted = [(ids[(v["name"], v["lat"], v["lon"])], v) for v in payload]
        audit.record_many(actor, "enterprise.import", "enterprise",
                          ((eid, {**_audit_values({k: v for k, v in values.items()
                                                    if k in FIELDS or k == "township_id"}, codes),
                                  "source": analysis.table.filename})
                           for eid, values in inserted), now=now)
    changed = analysis.of("update")
    if changed:
        db.session.execute(update(Enterprise), [
            {"id": r.enterprise_id, **{k: new for k, (_old, new) in r.changes.items()},
             "updated_at": now} for r in changed])
        audit.record_many(actor, "enterprise.import_update", "enterprise", (
            (r.enterprise_id, {"changes": {
                ("township" if k == "township_id" else k):
                    [codes.get(o), codes.get(n)] if k == "township_id" else [o, n]
                for k, (o, n) in r.changes.items()}, "source": analysis.table.filename})
            for r in changed), now=now)
    counts = analysis.counts
    audit.record(actor, "enterprise.import_file", "import", None, now=now,
                 after={"file": analysis.table.filename, **counts})
    db.session.flush()
    # The ORM may hold enterprises loaded before the bulk statements: make them reread.
    db.session.expire_all()
    return counts


# ---------------------------------------------------------------- rejected rows


def rejected_xlsx(analysis: Analysis, locale: str = "zh_CN") -> bytes:
    """The rejected rows as the bureau sent them, plus the line number and the reasons."""
    from openpyxl import Workbook
    book = Workbook(write_only=True)
    sheet = book.create_sheet("rejected")
    zh = str(locale).startswith("zh")
    sheet.append(["原行号" if zh else "Line", *analysis.table.headers, "问题" if zh else "Problems"])
    for row in analysis.of("rejected"):
        reasons = "；".join(reason_text(c, p, locale) for c, p in row.problems)
        sheet.append([row.line, *(cell_text(c) for c in row.cells), reasons])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def geocoder_from_config(name: str, options: dict):
    """A geocode(address) -> (lat, lon) | None function, or None when no geocoder is set."""
    if not name:
        return None
    from geopy.geocoders import get_geocoder_for_service
    geocoder = get_geocoder_for_service(name)(**(options or {}))

    def geocode(address: str):
        try:
            found = geocoder.geocode(address, timeout=10)
        except Exception:  # network or quota: the row is listed for pinning instead
            return None
        return (found.latitude, found.longitude) if found else None
    return geocode
