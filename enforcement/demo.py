"""The demo city: a county-level city of six townships and parks around 39.96 N, 116.83 E, with
the campaign's industries, realistic names, inspectors, visits, complaints and cases in every
action and state. Enterprises go in with bulk inserts (100,000 in seconds); visits and cases
go through the same services an inspector uses, so every date comes from the engine."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from sqlalchemy import insert

from . import credit_code as cc
from .extensions import db
from .models import Complaint, Enterprise, Township, User
from .pinyin import searchable
from .services.core import audit
from .services.people import users
from .services.core.actor import SYSTEM

TZ = ZoneInfo("Asia/Shanghai")
CENTER = (39.96, 116.83)

# (code, name, English name, kind, lat, lon): spread over about 25 km around the centre.
TOWNSHIPS = [
    ("yanjiao", "燕郊高新区", "Yanjiao Hi-tech Zone", "park", 39.935, 116.775),
    ("juyang", "泃阳镇", "Juyang", "township", 39.985, 116.905),
    ("liqizhuang", "李旗庄镇", "Liqizhuang", "township", 39.905, 116.875),
    ("yangzhuang", "杨庄镇", "Yangzhuang", "township", 40.025, 116.845),
    ("huangzhuang", "皇庄镇", "Huangzhuang", "township", 39.955, 116.955),
    ("xinji", "新集镇", "Xinji", "township", 40.045, 116.735),
]

# username, password, role, township, display name, credential number (执法证号)
PEOPLE = [
    ("admin", "Admin-demo-2026", "admin", None, "系统管理员", ""),
    ("reviewer", "Review-demo-2026", "reviewer", None, "王秀兰", "13108200101"),
    ("zhangwei", "Inspect-demo-2026", "inspector", "yanjiao", "张伟", "13108200211"),
    ("liuyang", "Inspect-demo-2026", "inspector", "yanjiao", "刘洋", "13108200212"),
    ("chenjing", "Inspect-demo-2026", "inspector", "juyang", "陈静", "13108200213"),
    ("yangfan", "Inspect-demo-2026", "inspector", "juyang", "杨帆", "13108200214"),
    ("zhaolei", "Inspect-demo-2026", "inspector", "liqizhuang", "赵磊", "13108200215"),
    ("sunli", "Inspect-demo-2026", "inspector", "yangzhuang", "孙丽", "13108200216"),
    ("zhoujie", "Inspect-demo-2026", "inspector", "huangzhuang", "周杰", "13108200217"),
    ("wuhao", "Inspect-demo-2026", "inspector", "xinji", "吴昊", "13108200218"),
]
#: Every demo account, with the township an inspector serves in (they serve orders only there,
#: or at a firm a 双随机 draw assigned them).
ACCOUNTS = [(u, p, r) for u, p, r, *_ in PEOPLE]
TOWNSHIP_OF = {u: t for u, _p, _r, t, *_ in PEOPLE}

# industry, word in names, share of enterprises, lawful share (has a licence and permit)
INDUSTRY_MIX = [
    ("small_refinery", "炼油", 4, 0.1),
    ("foundry", "铸造", 8, 0.5),
    ("plastics", "塑料制品", 12, 0.4),
    ("stone_powder", "石粉加工", 7, 0.2),
    ("electroplating", "电镀", 5, 0.7),
    ("chemical", "化工", 6, 0.8),
    ("papermaking", "造纸", 4, 0.8),
    ("sand_washing", "洗砂", 5, 0.3),
    ("furniture", "家具", 14, 0.9),
    ("printing", "印刷", 8, 0.9),
    ("food", "食品", 10, 0.95),
    ("building_materials", "建材", 9, 0.8),
    ("other", "机械加工", 8, 0.9),
]
BRANDS = (
    "鑫达",
    "宏利",
    "永盛",
    "金鼎",
    "华北",
    "顺发",
    "恒通",
    "兴旺",
    "利民",
    "东方",
    "瑞丰",
    "博源",
    "天成",
    "聚鑫",
    "盛世",
    "中信",
    "福源",
    "诚信",
    "通达",
    "广源",
    "汇丰",
    "新宇",
    "泰和",
    "北辰",
)
SUFFIXES = ("有限公司", "有限责任公司", "厂", "制品厂")
VILLAGES = (
    "西马庄村",
    "东营村",
    "王各庄村",
    "高楼村",
    "小王庄村",
    "北务村",
    "南杨庄村",
    "大枣林村",
    "行仁庄村",
    "后沿口村",
    "夏垫村",
    "邓家务村",
    "白庙村",
    "黄土庄村",
    "齐心庄村",
    "段甲岭村",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
)
FINDINGS = (
    "现场检查发现废气收集设施未正常运行",
    "排污口标志牌不规范",
    "危险废物贮存场所未设置标识",
    "雨污分流不彻底，厂区地面有积水",
    "现场未发现生产迹象，设备已断电",
    "废水处理设施运行记录不全",
    "车间无组织排放明显，异味较重",
    "现场检查未发现环境违法行为",
)


def generate(
    *, enterprises: int, seed: int, as_of: date, now: datetime, progress: bool = False
) -> dict:
    rng = random.Random(seed)
    townships = _townships()
    people = _people(now)
    enterprise_ids = _enterprises(rng, townships, enterprises, as_of, now, progress)
    stats = {"townships": len(townships), "users": len(people), "enterprises": len(enterprise_ids)}
    stats.update(demo_cases(rng, people, as_of, now, scale=min(enterprises, 2000)))
    stats["complaints"] = _complaints(rng, townships, people, as_of, now)
    return stats


def _townships() -> dict[str, Township]:
    out = {}
    for code, name, name_en, kind, lat, lon in TOWNSHIPS:
        t = Township(
            code=code, name=name, name_en=name_en, kind=kind, center_lat=lat, center_lon=lon
        )
        db.session.add(t)
        out[code] = t
    db.session.flush()
    return out


def _people(now: datetime) -> dict[str, User]:
    out = {}
    for username, password, role, township, display, credential in PEOPLE:
        user = users.create_user(
            SYSTEM,
            username=username,
            role=role,
            password=password,
            now=now,
            display_name=display,
            township_code=township,
            credential_no=credential,
        )
        out[username] = user
    return out


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _credit_code(rng: random.Random, individual: bool) -> str:
    # 9 = registered by market regulation; 1 company, 2 individual business; 131082 = 三河市.
    body = "".join(rng.choice(cc.ALPHABET[:10] if i < 2 else cc.ALPHABET) for i in range(9))
    return cc.make(("92" if individual else "91") + "131082" + body)


def _enterprises(rng, townships, count, as_of, now, progress) -> list[int]:
    weights = [w for _, _, w, _ in INDUSTRY_MIX]
    codes = list(townships)
    ids: list[int] = []
    seen_codes: set[str] = set()
    batch: list[dict] = []

    def flush():
        for row in batch:
            row["name_pinyin"] = searchable(row["name"])
        new = db.session.scalars(insert(Enterprise).returning(Enterprise.id), batch).all()
        audit.record_many(
            SYSTEM,
            "enterprise.create",
            "enterprise",
            [
                (i, {"name": row["name"], "credit_code": row["credit_code"]})
                for i, row in zip(new, batch)
            ],
            now=now,
        )
        ids.extend(new)
        batch.clear()

    bar = click.progressbar(length=count, label="enterprises", file=None) if progress else None
    for n in range(count):
        industry, word, _, lawful_share = rng.choices(INDUSTRY_MIX, weights)[0]
        code = rng.choice(codes)
        t = townships[code]
        lawful = rng.random() < lawful_share
        village = rng.choice(VILLAGES)
        if lawful:
            name = f"三河市{rng.choice(BRANDS)}{word}{rng.choice(SUFFIXES)}"
            if rng.random() < 0.5:
                name = name.replace("三河市", f"三河{rng.choice(BRANDS)}", 1)
        else:
            name = f"{village}{rng.choice(SURNAMES)}某{word}加工点"
        credit = None
        if lawful or rng.random() < 0.3:
            credit = _credit_code(rng, individual=not lawful)
            if credit in seen_codes:
                credit = None
            else:
                seen_codes.add(credit)
        has_permit = lawful and industry not in ("furniture", "food", "other") or rng.random() < 0.1
        expires = as_of + timedelta(days=rng.randint(-60, 5 * 365)) if has_permit else None
        batch.append(
            {
                "name": name if n < 50 or rng.random() < 0.9 else f"{name}（{n}）",
                "credit_code": credit,
                "address": f"河北省三河市{t.name}{village}{rng.randint(1, 300)}号",
                "township_id": t.id,
                "industry": industry,
                "lat": round(t.center_lat + rng.gauss(0, 0.03), 6),
                "lon": round(t.center_lon + rng.gauss(0, 0.04), 6),
                "risk_class": rng.choices("ABC", (1, 3, 6))[0]
                if lawful
                else rng.choices("ABC", (3, 5, 2))[0],
                "permit_no": f"{credit or _credit_code(rng, False)}001P" if has_permit else "",
                "permit_expires": expires,
                "contact_name": person(rng),
                "contact_phone": f"13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}",
                "status": "operating",
                "created_at": now,
                "updated_at": now,
            }
        )
        if len(batch) >= 2000:
            flush()
            if bar:
                bar.update(2000)
    if batch:
        if bar:
            bar.update(len(batch))
        flush()
    if bar:
        bar.render_finish()
    return ids


def _complaints(rng, townships, people, as_of, now) -> int:
    from .services.calendar.calendars import load_calendar

    calendar = load_calendar()
    categories = ("air", "water", "noise", "waste", "odour", "other")
    texts = {
        "air": "夜间有工厂冒黑烟",
        "water": "河道有黄色污水排入",
        "noise": "夜间机器噪声扰民",
        "waste": "村边空地倾倒工业垃圾",
        "odour": "附近塑料厂气味刺鼻",
        "other": "疑似无证小作坊生产",
    }
    inspectors = [u for u in people.values() if u.role == "inspector"]
    count = 0
    for _ in range(40):
        category = rng.choices(categories, (5, 3, 2, 2, 4, 2))[0]
        t = townships[rng.choice(list(townships))]
        received = as_of - timedelta(days=rng.randint(0, 60))
        triage, _ = calendar.add_working_days(received, 1)
        answer, _ = calendar.add_working_days(received, 15)
        status = (
            "new"
            if received >= as_of - timedelta(days=3)
            else rng.choice(("triaged", "visited", "answered"))
        )
        local = [u for u in inspectors if u.township_id == t.id] or inspectors
        db.session.add(
            Complaint(
                channel=rng.choice(("hotline", "mailbox", "online")),
                category=category,
                text=texts[category],
                lat=round(t.center_lat + rng.gauss(0, 0.02), 6),
                lon=round(t.center_lon + rng.gauss(0, 0.02), 6),
                address=f"三河市{t.name}{rng.choice(VILLAGES)}附近",
                township_id=t.id,
                received_at=datetime.combine(received, time(9, 30), TZ),
                received_on=received,
                triage_by=triage,
                answer_by=answer,
                status=status,
                assignee_id=rng.choice(local).id if status != "new" else None,
                answered_on=min(answer, as_of) if status == "answered" else None,
                complainant_name=person(rng),
                complainant_phone=f"139{rng.randint(10**7, 10**8 - 1)}",
            )
        )
        count += 1
    db.session.flush()
    return count


def demo_cases(rng, people, as_of, now, scale) -> dict:
    """Cases in every action and state, driven through the services (see demo_script.py)."""
    from .demo_script import run_scripts

    return run_scripts(rng, people, as_of, now, scale)
