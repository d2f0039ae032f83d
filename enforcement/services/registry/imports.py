"""Import a bureau's enterprise registry (污染源名录) from its own spreadsheet.

Three steps, each usable from the pages and the CLI:
1. ``read_table``: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16) or XLSX, headers in any order.
2. ``analyse``: every row classified as new, update (with a per-field diff), unchanged,
   conflict or rejected, with each problem named in words that say what to do. Nothing is written.
3. ``apply``: the new and changed rows in ONE transaction (bulk insert/update, bulk audit).
Rejected and conflicting rows go back to the bureau as a spreadsheet with the reasons
(``rejected_xlsx``).

Cleaning a clerk would do: codes lose zero-width characters, NBSP, backquotes and bracketed
suffixes; placeholders (-, 0, 无) are empty; a number-typed code (Excel dropped its last digits)
is explained and the row imported without a code; 组织机构代码 and 注册号 are kept as legacy
identifiers. A row without coordinates is imported and waits for a location; its township
comes from the township column (names, aliases, short forms), else from the address.

Matching an existing site, in order: permit number; credit code plus site (pins within 100 m or
the same address); normalised name plus township (or place). One credit code may have several
sites. A match whose name and place both differ is a conflict shown to the clerk, never an
overwrite. Importing the same file twice, or again as XLSX with a title row or with codes
mangled by Excel, changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable, Protocol

from flask_babel import gettext as _
from sqlalchemy import Table as SqlTable, insert, select, update

from enforcement import credit_code as cc
from enforcement.domain import INDUSTRIES
from enforcement.geo.polygons import BoxArea
from enforcement.industry_gbt import campaign_category, classify
from enforcement.errors import Forbidden, ValidationError
from enforcement.extensions import db
from enforcement.geo import distance_m, gcj_to_wgs
from enforcement.models import Enterprise, ImportMapping, Township
from enforcement.models.enterprise import RISK_CLASSES
from enforcement.pinyin import searchable
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.registry.townships import TownshipIndex

#: Two registry rows with the same name closer than this are the same site.
SAME_SITE_M = 100.0

FIELDS = (
    "name",
    "credit_code",
    "address",
    "township",
    "industry",
    "lon",
    "lat",
    "risk_class",
    "permit_no",
    "permit_expires",
    "contact_name",
    "contact_phone",
    "legal_rep",
    "city",
)

#: The headers bureaus actually use, normalised (see ``_norm_header``). The first is canonical.
SYNONYMS = {
    "name": (
        "企业名称",
        "单位名称",
        "名称",
        "企业(单位)名称",
        "污染源名称",
        "排污单位名称",
        "企业名",
        "单位详细名称",
        "企业全称",
        "公司名称",
        "市场主体名称",
        "name",
        "enterprisename",
    ),
    "credit_code": (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "统一代码",
        "组织机构代码",
        "代码",
        "统一社会信用代码(注册号)",
        "注册号",
        "工商注册号",
        "营业执照号",
        "营业执照注册号",
        "统一社会信用代码/组织机构代码",
        "creditcode",
        "uscc",
    ),
    "address": (
        "地址",
        "企业地址",
        "详细地址",
        "生产地址",
        "生产经营场所地址",
        "注册地址",
        "经营场所",
        "生产经营地址",
        "单位地址",
        "住所",
        "address",
    ),
    "township": (
        "乡镇/园区",
        "乡镇(园区)",
        "乡镇",
        "园区",
        "所属乡镇",
        "所属乡镇(园区)",
        "乡镇街道",
        "街道",
        "所在乡镇",
        "所在乡镇(街道)",
        "乡镇(街道)",
        "所属街道",
        "所在街道",
        "乡镇(街道、园区)",
        "所属区域",
        "township",
    ),
    "industry": (
        "行业",
        "行业类别",
        "所属行业",
        "行业类型",
        "国民经济行业",
        "国民经济行业分类",
        "行业名称",
        "行业代码",
        "行业类别(代码)",
        "所属行业名称",
        "industry",
    ),
    "lon": ("经度", "中心经度", "经度(东经)", "lng", "lon", "longitude"),
    "lat": ("纬度", "中心纬度", "纬度(北纬)", "lat", "latitude"),
    "risk_class": (
        "风险等级",
        "监管级别",
        "风险类别",
        "监管类别",
        "环境风险等级",
        "管理类别",
        "排污许可管理类别",
        "risk",
        "riskclass",
    ),
    "permit_no": (
        "排污许可证编号",
        "许可证编号",
        "排污许可证号",
        "许可证号",
        "许可证",
        "排污许可证",
        "证书编号",
        "permitno",
    ),
    "permit_expires": (
        "许可证有效期",
        "有效期至",
        "许可证有效期至",
        "许可证到期日",
        "有效期",
        "有效期限",
        "permitexpires",
    ),
    "contact_name": (
        "联系人",
        "环保负责人",
        "负责人",
        "联系人姓名",
        "环保联系人",
        "contact",
        "contactname",
    ),
    "contact_phone": (
        "联系电话",
        "电话",
        "手机",
        "联系方式",
        "手机号码",
        "联系人电话",
        "phone",
        "contactphone",
    ),
    "legal_rep": (
        "法定代表人",
        "法人代表",
        "法人",
        "法定代表人(负责人)",
        "法定代表人姓名",
        "legalrep",
    ),
    "city": (
        "所在市",
        "所在地市",
        "地市",
        "所在区县",
        "所在县(区)",
        "区县",
        "县(区)",
        "所在县区",
        "city",
    ),
}

MAX_LENGTHS = {
    "name": 200,
    "address": 300,
    "permit_no": 60,
    "contact_name": 80,
    "contact_phone": 40,
    "legal_rep": 80,
    "city": 60,
}

#: Every problem and warning, zh and en (the reasons column of the rejected download). Each one
#: says what the clerk should do.
REASONS = {
    "name_missing": (
        "缺少企业名称：请在表中补上单位名称后重新导入",
        "Name missing: add the enterprise name and import again",
    ),
    "too_long": (
        "{field}过长（最多{limit}字）：请删减后重新导入",
        "{field} too long (at most {limit} characters): shorten it and import again",
    ),
    "awaiting_location": (
        "没有坐标：已导入，等待在地图上标注位置（可在“待定位企业”页搜索地址或拖动图钉，"
        "或由执法人员现场定位）",
        "No coordinates: imported, waiting for a location (search the address or "
        "drag the pin on the awaiting-location page, or leave it to the field)",
    ),
    "coordinates_invalid": (
        "坐标不是有效数字（经度 {lon}，纬度 {lat}）：请改为十进制度数（如 116.83）"
        "后重新导入，或清空坐标让企业等待定位",
        "Coordinates are not numbers (longitude {lon}, latitude {lat}): write "
        "decimal degrees (116.83) and import again, or clear them",
    ),
    "coordinates_swapped": (
        "经纬度疑似填反：请把经度改为 {lon}、纬度改为 {lat} 后重新导入",
        "Latitude and longitude look swapped: use longitude {lon}, latitude {lat} and import again",
    ),
    "outside_area": (
        "坐标（经度 {lon}，纬度 {lat}）不在本局辖区内：请核对坐标，若是高德/腾讯地图坐标请在"
        "列对应页选择 GCJ-02；或清空坐标让企业等待定位",
        "Coordinates (longitude {lon}, latitude {lat}) are outside the bureau's area: "
        "check them (choose GCJ-02 for Gaode/Tencent coordinates) or clear them",
    ),
    "excel_number": (
        "Excel 把代码存成了数字，末尾几位已丢失（{value}），请把该列设为文本后重新导出；"
        "本行已按无代码导入",
        "Excel stored the code as a number and lost its last digits ({value}): set the "
        "column to text and export again; the row was imported without a code",
    ),
    "code_check": (
        "统一社会信用代码“{value}”的第18位校验码应为“{expected}”，可能抄错了一位：已按无代码"
        "导入，请对照营业执照在企业页面补填",
        "Credit code “{value}” should end in “{expected}”, a character may be mistyped: "
        "imported without a code, copy it from the business licence on the enterprise page",
    ),
    "code_characters": (
        "统一社会信用代码“{value}”含有代码中不会出现的字符“{bad}”：已按无代码导入，"
        "请对照营业执照在企业页面补填",
        "Credit code “{value}” contains “{bad}”, which no credit code has: imported "
        "without a code, copy it from the business licence on the enterprise page",
    ),
    "code_lookalike": (
        "代码中的字母已改为形近数字（{value} → {code}）：请核对营业执照",
        "Look-alike letters in the code were read as digits ({value} → {code}): "
        "check the business licence",
    ),
    "code_unrecognised": (
        "“{value}”（{length}位）不是18位统一社会信用代码，也不是9位组织机构代码或"
        "15位注册号：已按无代码导入，请对照营业执照在企业页面补填",
        "“{value}” ({length} characters) is neither an 18-character credit code "
        "nor a 9-character organisation code or 15-digit registration number: "
        "imported without a code",
    ),
    "township_unknown": (
        "未知的乡镇/园区“{value}”：已导入但未归属乡镇；请在“乡镇与边界”页为正确的乡镇添加"
        "别名“{value}”后重新导入",
        "Unknown township or park “{value}”: imported without a township; add "
        "“{value}” as an alias on the townships page and import again",
    ),
    "township_from_address": (
        "乡镇/园区按地址中的“{value}”确定",
        "Township taken from the address (“{value}”)",
    ),
    "township_mismatch": (
        "坐标落在“{inside}”的边界内，而表中写的是“{value}”：请核对乡镇或坐标",
        "The point lies inside “{inside}” but the row says “{value}”: check the "
        "township or the coordinates",
    ),
    "date_invalid": (
        "许可证有效期“{value}”无法识别：请写成 2027-05-31 这样的日期后重新导入",
        "Permit expiry “{value}” is not a date: write it like 2027-05-31 and import again",
    ),
    "duplicate_in_file": (
        "与本表第{line}行是同一场所（{by}）：请删去重复的一行后重新导入",
        "Same site as row {line} ({by}): delete one of the two rows and import again",
    ),
    "conflict_in_file": (
        "与本表第{line}行的信用代码相同，但名称和地址都不同：若是同一企业的另一厂区请统一"
        "名称，若是另一家企业请核对代码",
        "Same credit code as row {line} but another name and place: if it is "
        "another plant of the same company use the same name, otherwise check "
        "the code",
    ),
    "conflict": (
        "与已有企业 #{id}「{name}」按{by}匹配，但名称和位置都不同：未覆盖该企业；请核对后修改本行"
        "或在企业页面修改",
        "Matches enterprise #{id} “{name}” by {by}, but name and place both differ: not "
        "overwritten; check the row or the enterprise",
    ),
    "duplicate_existing": (
        "与已有企业 #{id}「{name}」同名同地，但信用代码不同：未覆盖该企业；请核对哪一个代码正确",
        "Same name and place as enterprise #{id} “{name}”, but a different credit "
        "code: not overwritten; check which code is right",
    ),
    "industry_unknown": (
        "未识别的行业“{value}”：原文已保留，行业按“其他”导入；可在企业页面选择国民经济行业分类",
        "Unknown industry “{value}”: the text is kept and the industry set to "
        "Other; choose the national classification on the enterprise page",
    ),
    "risk_unknown": (
        "未识别的风险等级“{value}”：按 C 导入，请在企业页面核对",
        "Unknown risk class “{value}”: imported as C, check it on the enterprise page",
    ),
}

BY_LABELS = {
    "credit_code": ("信用代码和场所相同", "same credit code and site"),
    "name": ("名称和场所相同", "same name and site"),
    "permit_no": ("排污许可证编号", "permit number"),
    "code": ("信用代码", "credit code"),
    "name_township": ("名称和乡镇", "name and township"),
}

FIELD_LABELS = {f: (SYNONYMS[f][0], f) for f in FIELDS}
FIELD_LABELS.update(
    {
        "legacy_code": ("组织机构代码/注册号", "legacy identifier"),
        "industry_gbt": ("国民经济行业分类", "national industry classification"),
        "industry_text": ("行业（原文）", "industry as written"),
        "location_source": ("位置来源", "location source"),
    }
)

#: Risk classes, by a documented rule (docs/import.md): numbered grades and 环境风险 levels count
#: from the highest (1 / 一级 / 重大 / 重点 → A, 2 / 较大 → B, 3 and below / 简化 / 登记 → C); the
#: words a register uses for supervision level map as the campaign used them (一般 → B).
RISK_WORDS = {
    "a": "A",
    "重点": "A",
    "重点监管": "A",
    "重点排污单位": "A",
    "高": "A",
    "重点管理": "A",
    "1": "A",
    "一": "A",
    "i": "A",
    "重大": "A",
    "重大风险": "A",
    "b": "B",
    "一般": "B",
    "一般监管": "B",
    "中": "B",
    "2": "B",
    "二": "B",
    "ii": "B",
    "较大": "B",
    "较大风险": "B",
    "c": "C",
    "简化": "C",
    "简化管理": "C",
    "登记": "C",
    "登记管理": "C",
    "低": "C",
    "3": "C",
    "三": "C",
    "iii": "C",
    "4": "C",
    "四": "C",
    "一般风险": "C",
}


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
    #: (spreadsheet line number, cells), blank lines left out: a list from ``read_table``, an
    #: iterator (read once) from ``open_table``.
    rows: Iterable[tuple[int, list]]


def _decode(data: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: what Excel in Chinese Windows writes.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise _not_a_table() from None


def _blank(cells) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def _split(rows: Iterable[Iterable]):
    """The header row and an iterator over the body (line number, cells padded to the header's
    width), blank lines left out. Nothing is read past the header until the body is iterated."""
    numbered = enumerate(rows, start=1)
    headers: list[str] | None = None
    for _line, cells in numbered:
        cells = list(cells)
        if _blank(cells):
            continue
        # A title line above the header ("某某市污染源名录") has one filled cell: skip it.
        if sum(1 for c in cells if c not in (None, "")) < 2:
            continue
        headers = [cell_text(c) for c in cells]
        break
    if headers is None:
        raise ValidationError(
            _("No header row was found."),
            {
                "file": _(
                    "No header row was found: the sheet needs a row of column names (企业名称, 地址, ...) "
                    "above the enterprises. Check that this is the register and that it is not empty."
                )
            },
        )
    width = len(headers)

    def body():
        for line, cells in numbered:
            cells = list(cells)
            if not _blank(cells):
                yield line, (cells + [None] * width)[:width]

    return headers, body()


def open_table(data: bytes, filename: str = "") -> Table:
    """The table with its rows as an iterator (read once, in order): large files stream."""
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise _unreadable_spreadsheet() from None

        def cells():
            try:
                yield from sheet.iter_rows(values_only=True)
            finally:
                book.close()

        headers, body = _split(cells())
        return Table(filename, headers, body)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        headers, body = _split(_xls_rows(data))
        return Table(filename, headers, body)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_a_table()
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "|"), key=first.count)
    headers, body = _split(csv.reader(_lines(text), delimiter=delimiter))
    return Table(filename, headers, body)


def _lines(text: str):
    """The text's lines with their endings, one at a time (no second copy of a large file)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _xls_rows(data: bytes):
    """The first sheet of an old Excel (.xls) file, cells as openpyxl gives them: numbers stay
    numbers (so an Excel-mangled code is recognised), dates become datetimes."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception:  # xlrd raises many kinds for a damaged or encrypted file
        raise _unreadable_spreadsheet() from None
    try:
        for r in range(sheet.nrows):
            row = []
            for cell in sheet.row(r):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                else:
                    row.append(cell.value)
            yield row
    finally:
        book.release_resources()


def _unreadable_spreadsheet() -> ValidationError:
    """A damaged or encrypted XLSX or XLS (openpyxl and xlrd raise many kinds for one)."""
    return ValidationError(
        _("The spreadsheet cannot be read."),
        {
            "file": _(
                "The spreadsheet cannot be read: open it in Excel or WPS, save it again as "
                "XLSX or CSV and upload that."
            )
        },
    )


def _not_a_table() -> ValidationError:
    return ValidationError(
        _("This is not a CSV or XLSX file."),
        {
            "file": _(
                "This is not a CSV or XLSX file: save the register from Excel or WPS as XLSX or CSV and "
                "upload that."
            )
        },
    )


def count_lines(data: bytes) -> int:
    """About how many rows a file has, for a progress bar (XLSX: its stated dimension)."""
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True)
            rows = book.worksheets[0].max_row or 0
            book.close()
            return rows
        except Exception:  # read_table names the problem
            return 0
    return data.count(b"\n")


def read_table(data: bytes, filename: str = "") -> Table:
    table = open_table(data, filename)
    table.rows = list(table.rows)
    return table


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
    stored = db.session.scalar(
        select(ImportMapping).where(ImportMapping.signature == signature(headers))
    )
    if stored is not None:
        columns = [stored.mapping.get(h, "") for h in headers]
        return Mapping(columns, stored.coordinates, remembered=True)
    return Mapping(guess_mapping(headers))


def mapping_from_json(doc, headers: list[str]) -> Mapping:
    """A mapping given as JSON (the CLI's ``--mapping``): ``{"header": "field"}``, or
    ``{"columns": {"header": "field"}, "coordinates": "wgs84"|"gcj02"}``. Headers are compared
    after normalisation, so 乡镇（园区） and 乡镇(园区) are the same column."""
    if not isinstance(doc, dict):
        raise ValidationError(
            "The mapping is not a JSON object.", {"mapping": 'write it as {"表头": "field", ...}'}
        )
    coordinates = "wgs84"
    if isinstance(doc.get("columns"), dict):
        coordinates = doc.get("coordinates") or "wgs84"
        doc = doc["columns"]
    if coordinates not in ("wgs84", "gcj02"):
        raise ValidationError("Unknown coordinate system.", {"coordinates": "wgs84 or gcj02"})
    wanted = {_norm_header(str(k)): str(v or "") for k, v in doc.items()}
    present = {_norm_header(h) for h in headers}
    missing = sorted(k for k, v in doc.items() if v and _norm_header(str(k)) not in present)
    if missing:
        raise ValidationError(
            "The mapping names columns the file does not have.",
            {"mapping": "not in the file: " + ", ".join(missing)},
        )
    columns = [wanted.get(_norm_header(h), "") for h in headers]
    check_mapping(columns)
    return Mapping(columns, coordinates)


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


def remember_mapping(
    actor: Actor, headers: list[str], columns: list[str], coordinates: str, *, now: datetime
) -> ImportMapping:
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
    audit.record(
        actor,
        "import.mapping",
        "import_mapping",
        stored.id,
        now=now,
        after={"mapping": mapping, "coordinates": coordinates},
    )
    return stored


def _require(actor: Actor) -> None:
    if not actor.is_reviewer:
        raise Forbidden("Only reviewers and administrators import the registry.")


# ---------------------------------------------------------------- analysis

STATUSES = ("new", "update", "unchanged", "conflict", "rejected")


@dataclass
class Row:
    line: int
    cells: list
    status: str = "new"  #: new, update, unchanged, conflict, rejected
    values: dict = field(default_factory=dict)
    problems: list[tuple[str, dict]] = field(default_factory=list)
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    enterprise_id: int | None = None
    #: field -> (old, new) for an update
    changes: dict = field(default_factory=dict)

    @property
    def awaiting_location(self) -> bool:
        return self.status == "new" and "lat" not in self.values


@dataclass
class Analysis:
    table: Table
    mapping: Mapping
    rows: list[Row]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in STATUSES}

    @property
    def awaiting_location(self) -> int:
        """New sites imported without a usable location (they wait for a pin)."""
        return sum(1 for r in self.rows if r.awaiting_location)

    def of(self, status: str) -> list[Row]:
        return [r for r in self.rows if r.status == status]


_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _float(text: str) -> float:
    text = text.replace("°", "").replace("，", ".").strip()
    if not _NUMBER.match(text):
        raise ValueError(text)
    return float(text)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


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


_SPACE = re.compile(r"[\s\u00a0\u200b\u3000]+")
_ADDRESS_HEAD = re.compile(r"^(.{2,8}?省)?(.{2,8}?市)?(.{2,8}?[县区市])?")


def _norm_name(name: str) -> str:
    return _SPACE.sub("", name or "").replace("（", "(").replace("）", ")")


def _norm_address(address: str) -> str:
    """An address without spaces, brackets made half-width and the province/city/county head
    ("河北省三河市") that one sheet writes and another leaves off."""
    text = _norm_name(address)
    return _ADDRESS_HEAD.sub("", text, count=1) if len(text) > 8 else text


def _norm_permit(permit: str) -> str:
    return _SPACE.sub("", permit or "").upper()


class Fields(Protocol):
    """What the matching reads a site through: a row's dict, a stored site, a kept row."""

    def get(self, key: str, default: Any = None) -> Any: ...
    def __getitem__(self, key: str) -> Any: ...


class _Record:
    """One stored site as the matching reads it: its columns in slots (a dict per site cost
    about twice the memory at 130,000 sites)."""

    __slots__ = (
        "id",
        "name",
        "credit_code",
        "legacy_code",
        "address",
        "township_id",
        "industry",
        "industry_gbt",
        "industry_text",
        "lat",
        "lon",
        "location_source",
        "risk_class",
        "permit_no",
        "permit_expires",
        "contact_name",
        "contact_phone",
        "legal_rep",
    )

    def __init__(self, values):
        for key, value in zip(self.__slots__, values):
            setattr(self, key, value)

    def __getitem__(self, key: str):
        return getattr(self, key)

    def get(self, key: str, default=None):
        value = getattr(self, key, None)
        return default if value is None else value


class _Existing:
    """The registry as it is, in memory: one query, then dictionary look-ups (130,000 rows)."""

    COLUMNS = _Record.__slots__

    def __init__(self):
        self.by_id: dict[int, _Record] = {}
        self.by_code: dict[str, list[int]] = {}
        self.by_permit: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        stmt = select(*(getattr(Enterprise, c) for c in self.COLUMNS))
        for values in db.session.execute(stmt):
            self.add(_Record(values))

    def add(self, record: _Record) -> None:
        self.by_id[record["id"]] = record
        if record["credit_code"]:
            self.by_code.setdefault(record["credit_code"], []).append(record["id"])
        if record["permit_no"]:
            self.by_permit.setdefault(_norm_permit(record["permit_no"]), []).append(record["id"])
        self.by_name.setdefault(_norm_name(record["name"]), []).append(record["id"])


def same_site(values: Fields, other: Fields) -> bool | None:
    """True when the two records are the same place (pins within 100 m, or the same address),
    False when they are surely not, None when neither pins nor addresses can tell."""
    if values.get("lat") is not None and other.get("lat") is not None:
        return distance_m(values["lat"], values["lon"], other["lat"], other["lon"]) <= SAME_SITE_M
    a, b = _norm_address(values.get("address") or ""), _norm_address(other.get("address") or "")
    if a and b:
        return a == b or (min(len(a), len(b)) >= 4 and (a.endswith(b) or b.endswith(a)))
    ta, tb = values.get("township_id"), other.get("township_id")
    if ta and tb and ta != tb:
        return False
    return None


def _same_name(values: Fields, other: Fields) -> bool:
    return _norm_name(values.get("name") or "") == _norm_name(other.get("name") or "")


def analyse(
    table: Table,
    mapping: Mapping,
    *,
    bbox=None,
    area=None,
    township_default: str | None = None,
    geocode: Callable[[str], tuple[float, float] | None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Analysis:
    """Classify every row. Reads the database, writes nothing. ``area`` (anything with
    ``contains(lat, lon)``: the county boundary) decides "outside the bureau's area"; without it
    the ``bbox`` rectangle does."""
    rows: list[Row] = []
    for chunk in analyse_chunks(
        table, mapping, bbox=bbox, area=area, township_default=township_default, geocode=geocode
    ):
        rows.extend(chunk)
        if progress:
            progress(len(chunk))
    return Analysis(table, mapping, rows)


def analyse_chunks(
    table: Table,
    mapping: Mapping,
    *,
    bbox=None,
    area=None,
    township_default: str | None = None,
    geocode: Callable[[str], tuple[float, float] | None] | None = None,
    chunk: int = 1000,
):
    """``analyse`` a chunk of rows at a time, for files too large to hold: the registry and the
    townships are read once, the file's rows once, in order. A generator: the set-up errors
    (mapping, default township) are raised before the first chunk."""
    check_mapping(mapping.columns)
    if area is None:
        area = BoxArea(bbox)
    existing = _Existing()
    townships = TownshipIndex()
    default_township = None
    if township_default:
        default_township = townships.resolve(township_default)
        if default_township is None:
            raise ValidationError(
                "Unknown default township.",
                {
                    "township_default": _(
                        "No township is called “%(value)s”: choose one from the list.",
                        value=township_default,
                    )
                },
            )
    column_of = {f: i for i, f in enumerate(mapping.columns) if f}

    def run():
        seen = _Seen()
        geocoded: dict[str, tuple[float, float] | None] = {}
        rows: list[Row] = []
        for line, cells in table.rows:
            raw = {f: cells[i] for f, i in column_of.items()}
            row = Row(line, cells)
            _clean(row, raw, townships, default_township)
            _locate(row, raw, mapping.coordinates, area, geocode, geocoded)
            _place(row, townships)
            _match(row, existing, seen)
            rows.append(row)
            if len(rows) >= chunk:
                yield rows
                rows = []
        if rows:
            yield rows

    return run()


def _clean(row: Row, raw: dict, townships: TownshipIndex, default_township: int | None) -> None:
    values = row.values
    for key in (
        "name",
        "address",
        "permit_no",
        "contact_name",
        "contact_phone",
        "legal_rep",
        "city",
    ):
        if key in raw:
            text = cell_text(raw[key])
            if key in ("permit_no",) and text in cc.PLACEHOLDERS:
                text = ""
            if len(text) > MAX_LENGTHS[key]:
                row.problems.append(("too_long", {"field": key, "limit": MAX_LENGTHS[key]}))
            elif text:
                values[key] = text
    city = values.pop("city", "")
    if not values.get("name") and not any(
        p[0] == "too_long" and p[1]["field"] == "name" for p in row.problems
    ):
        row.problems.append(("name_missing", {}))
    if "credit_code" in raw:
        found = cc.from_register(raw["credit_code"])
        if found.code:
            values["credit_code"] = found.code
        if found.legacy:
            values["legacy_code"] = found.legacy
        if found.note:
            row.warnings.append((found.note, found.detail))
    township = cell_text(raw.get("township"))
    tid = None
    if township:
        tid = townships.resolve(township) or townships.in_address(township)
    if tid is None and values.get("address"):
        tid = townships.in_address(values["address"])
        if tid is not None:
            row.warnings.append(("township_from_address", {"value": townships.names[tid]}))
    if tid is None and township:
        row.warnings.append(("township_unknown", {"value": township}))
    if tid is None:
        tid = default_township
    if tid is not None:
        values["township_id"] = tid
    if city and values.get("address") and city not in values["address"]:
        row.geocode_hint = city  # type: ignore[attr-defined]
    industry = cell_text(raw.get("industry"))
    if industry:
        values["industry_text"] = industry[:120]
        gbt = classify(industry)
        if gbt:
            values["industry_gbt"] = gbt
        code_ = _industry(industry) or campaign_category(industry, gbt)
        if code_ is None and not gbt:
            row.warnings.append(("industry_unknown", {"value": industry}))
        values["industry"] = code_ or "other"
    risk = cell_text(raw.get("risk_class"))
    if risk:
        key = risk.lower().replace("类", "").replace("级", "").replace("风险", "") or risk.lower()
        risk_code = (
            RISK_WORDS.get(risk.lower())
            or RISK_WORDS.get(key)
            or (risk.upper() if risk.upper() in RISK_CLASSES else None)
        )
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


def _locate(row: Row, raw: dict, system: str, area, geocode, cache: dict) -> None:
    lat_text, lon_text = cell_text(raw.get("lat")), cell_text(raw.get("lon"))
    if lat_text in cc.PLACEHOLDERS and lon_text in cc.PLACEHOLDERS:
        address = row.values.get("address")
        if geocode and address:
            query = getattr(row, "geocode_hint", "") + address
            if query not in cache:
                cache[query] = geocode(query)
            found = cache[query]
            if found is not None and area.contains(*found):
                row.values["lat"], row.values["lon"] = round(found[0], 7), round(found[1], 7)
                row.values["location_source"] = "geocoder"
        return
    try:
        lat, lon = _float(lat_text), _float(lon_text)
    except ValueError:
        row.problems.append(("coordinates_invalid", {"lat": lat_text, "lon": lon_text}))
        return
    if not area.contains(lat, lon) and area.contains(lon, lat):
        row.problems.append(("coordinates_swapped", {"lat": lon, "lon": lat}))
        return
    if system == "gcj02":
        lat, lon = gcj_to_wgs(lat, lon)
    if not area.contains(lat, lon):
        row.problems.append(("outside_area", {"lat": lat_text, "lon": lon_text}))
        return
    row.values["lat"], row.values["lon"] = round(lat, 7), round(lon, 7)
    row.values["location_source"] = "register"


def _place(row: Row, townships: TownshipIndex) -> None:
    """A pinned row inside a township's boundary: that township when the row names none, a
    warning when it names another."""
    values = row.values
    if values.get("lat") is None or not townships.areas:
        return
    inside = townships.containing(values["lat"], values["lon"])
    if inside is None:
        return
    if values.get("township_id") is None:
        values["township_id"] = inside
    elif values["township_id"] != inside:
        row.warnings.append(
            (
                "township_mismatch",
                {
                    "inside": townships.names[inside],
                    "value": townships.names[values["township_id"]],
                },
            )
        )


class _Kept:
    """What is kept of an accepted row to compare later rows with: a few fields in slots, not
    the whole row (a 130,000-row file keeps 130,000 of these)."""

    __slots__ = ("name", "credit_code", "address", "township_id", "lat", "lon", "permit_no")

    def __init__(self, values: dict):
        for key in self.__slots__:
            setattr(self, key, values.get(key))

    def get(self, key: str, default=None):
        value = getattr(self, key, None)
        return default if value is None else value

    def __getitem__(self, key: str):
        return getattr(self, key)


class _Seen:
    """The rows of this file accepted so far, to find a site listed twice."""

    def __init__(self):
        self.by_code: dict[str, list[tuple[int, _Kept]]] = {}
        self.by_name: dict[str, list[tuple[int, _Kept]]] = {}
        self.targets: dict[int, int] = {}

    def add(self, row: Row) -> None:
        values = _Kept(row.values)
        if values.get("credit_code"):
            self.by_code.setdefault(values["credit_code"], []).append((row.line, values))
        if values.get("name"):
            self.by_name.setdefault(_norm_name(values["name"]), []).append((row.line, values))
        if row.enterprise_id is not None:
            self.targets[row.enterprise_id] = row.line


def _same_site_in_file(values: Fields, other: Fields) -> bool:
    """Two rows of one file describe the same site: the same pin or address, or, with neither,
    the same name in the same township and no different permit numbers (permits are per site)."""
    pa, pb = _norm_permit(values.get("permit_no") or ""), _norm_permit(other.get("permit_no") or "")
    if pa and pb and pa != pb:
        return False
    site = same_site(values, other)
    if site is not None:
        return site
    return _same_name(values, other) and values.get("township_id") == other.get("township_id")


def _within_file(row: Row, seen: _Seen) -> None:
    """A new row listed twice in this file (rows matched to an existing site are compared by
    that site instead)."""
    values = row.values
    code = values.get("credit_code")
    for line, other in seen.by_code.get(code, ()) if code else ():
        if _same_site_in_file(values, other):
            row.problems.append(("duplicate_in_file", {"line": line, "by": "credit_code"}))
            return
        if not _same_name(values, other):
            row.problems.append(("conflict_in_file", {"line": line}))
            return
    for line, other in seen.by_name.get(_norm_name(values.get("name") or ""), ()):
        if code and other.get("credit_code") and other["credit_code"] != code:
            continue
        if _same_site_in_file(values, other):
            row.problems.append(("duplicate_in_file", {"line": line, "by": "name"}))
            return


def _find(row: Row, existing: _Existing) -> tuple[int | None, tuple[str, dict] | None]:
    """The existing site this row is about, in the documented order (permit number; credit code
    plus site; normalised name plus township or place), or a conflict to show the clerk."""
    values = row.values
    name = values.get("name") or ""

    def conflict(eid: int, by: str):
        e = existing.by_id[eid]
        return None, ("conflict", {"id": eid, "name": e["name"], "by": by})

    permit = _norm_permit(values.get("permit_no") or "")
    for eid in existing.by_permit.get(permit, ()) if permit else ():
        e = existing.by_id[eid]
        if _same_name(values, e) or same_site(values, e) is not False:
            return eid, None
        return conflict(eid, "permit_no")
    code = values.get("credit_code")
    candidates = existing.by_code.get(code, []) if code else []
    if candidates:
        sites = [eid for eid in candidates if same_site(values, existing.by_id[eid])]
        if sites:
            return sites[0], None
        unknown = [
            eid
            for eid in candidates
            if same_site(values, existing.by_id[eid]) is None
            and _same_name(values, existing.by_id[eid])
        ]
        if unknown:
            return unknown[0], None
        if not any(_same_name(values, existing.by_id[eid]) for eid in candidates):
            # The code is the company's; a different name at a different place is not a new
            # plant of it but another firm, or a wrong code.
            return conflict(candidates[0], "code")
        # Same company, another place: a new site.
    named = existing.by_name.get(_norm_name(name), [])
    township = values.get("township_id")
    for eid in named:
        e = existing.by_id[eid]
        site = same_site(values, e)
        same_township = township is not None and e["township_id"] in (township, None)
        if site is True or (site is None and same_township):
            if code and e["credit_code"] and e["credit_code"] != code:
                return None, ("duplicate_existing", {"id": eid, "name": e["name"]})
            if code and e["credit_code"] == code:
                continue  # the same company's other plant, already weighed above
            return eid, None
    return None, None


def _match(row: Row, existing: _Existing, seen: _Seen) -> None:
    values = row.values
    if row.problems:
        row.status = "rejected"
        return
    target, problem = _find(row, existing)
    if problem is not None:
        row.status = "conflict"
        row.problems.append(problem)
        return
    if target is not None and target in seen.targets:
        row.status = "rejected"
        row.problems.append(("duplicate_in_file", {"line": seen.targets[target], "by": "name"}))
        return
    if target is None:
        _within_file(row, seen)
        if row.problems:
            row.status = "rejected"
            return
    row.enterprise_id = target
    seen.add(row)
    if target is None:
        row.status = "new"
        if "lat" not in values:
            row.warnings.append(("awaiting_location", {}))
        return
    before = existing.by_id[target]
    pinned_by_hand = before["location_source"] in ("desk", "visit", "confirmed")
    for key, new in values.items():
        if key == "location_source":
            continue
        old = before[key]
        if key in ("lat", "lon"):
            if pinned_by_hand:
                continue  # a pin set by a person outranks the register's figures
            same = old is not None and abs(old - new) < 1e-6
        else:
            same = old == new
        if not same:
            row.changes[key] = (old, new)
    if ("lat" in row.changes or "lon" in row.changes) and "location_source" in values:
        row.changes["location_source"] = (before["location_source"], values["location_source"])
    row.status = "update" if row.changes else "unchanged"


# ---------------------------------------------------------------- applying

#: The site columns an import writes: those the matching reads, but the id.
_STORED = _Record.__slots__[1:]


def _audit_values(values: dict, township_codes: dict[int, str]) -> dict:
    out = {}
    for key, value in values.items():
        if key == "township_id":
            out["township"] = township_codes.get(value)
        elif key in _STORED:
            out[key] = value
    return out


def apply(actor: Actor, analysis: Analysis, *, now: datetime) -> dict[str, int]:
    """Insert the new rows and update the changed ones, in the caller's ONE transaction."""
    _require(actor)
    apply_rows(actor, analysis.rows, analysis.table.filename, now=now)
    counts = analysis.counts
    finish(actor, analysis.table.filename, counts, analysis.awaiting_location, now=now)
    return counts


def finish(
    actor: Actor, filename: str, counts: dict, awaiting_location: int, *, now: datetime
) -> None:
    """The import's own summary event, after every chunk was applied."""
    audit.record(
        actor,
        "enterprise.import_file",
        "import",
        None,
        now=now,
        after={"file": filename, **counts, "awaiting_location": awaiting_location},
    )
    db.session.flush()
    # The ORM may hold enterprises loaded before the bulk statements: make them reread.
    db.session.expire_all()


def apply_rows(actor: Actor, rows: list[Row], filename: str, *, now: datetime) -> None:
    """Insert the new and update the changed rows of one chunk (bulk statements, bulk audit)."""
    _require(actor)
    codes = dict(db.session.execute(select(Township.id, Township.code)).all())
    new_rows = [r for r in rows if r.status == "new"]
    if new_rows:
        defaults = {
            "name": "",
            "address": "",
            "industry": "other",
            "risk_class": "C",
            "permit_no": "",
            "contact_name": "",
            "contact_phone": "",
            "legal_rep": "",
            "status": "operating",
            "credit_code": None,
            "legacy_code": "",
            "township_id": None,
            "industry_gbt": "",
            "industry_text": "",
            "lat": None,
            "lon": None,
            "location_source": "",
            "permit_expires": None,
        }
        payload = [
            {
                **defaults,
                **{k: v for k, v in r.values.items() if k in _STORED},
                "created_at": now,
                "updated_at": now,
            }
            for r in new_rows
        ]
        for values in payload:
            values["name_pinyin"] = searchable(values["name"])
        table = Enterprise.__table__
        assert isinstance(table, SqlTable)
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids: list[int] = []
        # insertmanyvalues: a few multi-row statements per chunk, ids back in payload order.
        for start in range(0, len(payload), 5000):
            ids.extend(db.session.scalars(stmt, payload[start : start + 5000]).all())
        audit.record_many(
            actor,
            "enterprise.import",
            "enterprise",
            (
                (eid, {**_audit_values(values, codes), "source": filename})
                for eid, values in zip(ids, payload)
            ),
            now=now,
        )
    changed = [r for r in rows if r.status == "update"]
    if changed:
        db.session.execute(
            update(Enterprise),
            [
                {
                    "id": r.enterprise_id,
                    **{k: new for k, (_old, new) in r.changes.items()},
                    **(
                        {"name_pinyin": searchable(r.changes["name"][1])}
                        if "name" in r.changes
                        else {}
                    ),
                    "updated_at": now,
                }
                for r in changed
            ],
        )
        audit.record_many(
            actor,
            "enterprise.import_update",
            "enterprise",
            (
                (
                    r.enterprise_id,
                    {
                        "changes": {
                            ("township" if k == "township_id" else k): [codes.get(o), codes.get(n)]
                            if k == "township_id"
                            else [o, n]
                            for k, (o, n) in r.changes.items()
                        },
                        "source": filename,
                    },
                )
                for r in changed
            ),
            now=now,
        )
    db.session.flush()


# ---------------------------------------------------------------- rejected rows


def rejected_xlsx(analysis: Analysis, locale: str = "zh_CN") -> bytes:
    """The rejected rows as the bureau sent them, plus the line number and the reasons."""
    return held_xlsx(
        analysis.table.headers, analysis.of("rejected") + analysis.of("conflict"), locale
    )


def held_xlsx(headers: list[str], rows: list[Row], locale: str = "zh_CN") -> bytes:
    """Rows that were not imported (rejected or in conflict), with their reasons."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("rejected")
    zh = str(locale).startswith("zh")
    sheet.append(["原行号" if zh else "Line", *headers, "问题" if zh else "Problems"])
    for row in rows:
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
