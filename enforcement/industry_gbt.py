"""National industry classification (国民经济行业分类, GB/T 4754-2017): the 20 门类 (A–T) and
97 大类 (01–97), and how a register's industry text maps to them and to the campaign's own
categories (enforcement.domain.INDUSTRIES: 小炼油, 铸造, 电镀, ...).

Codes are stored as the 门类 letter plus the 大类 digits ("C26"), or the letter alone when only
the 门类 is known.
"""

from __future__ import annotations

import re

SECTIONS = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}

#: 大类 -> (门类, name)
DIVISIONS = {
    "01": ("A", "农业"),
    "02": ("A", "林业"),
    "03": ("A", "畜牧业"),
    "04": ("A", "渔业"),
    "05": ("A", "农、林、牧、渔专业及辅助性活动"),
    "06": ("B", "煤炭开采和洗选业"),
    "07": ("B", "石油和天然气开采业"),
    "08": ("B", "黑色金属矿采选业"),
    "09": ("B", "有色金属矿采选业"),
    "10": ("B", "非金属矿采选业"),
    "11": ("B", "开采专业及辅助性活动"),
    "12": ("B", "其他采矿业"),
    "13": ("C", "农副食品加工业"),
    "14": ("C", "食品制造业"),
    "15": ("C", "酒、饮料和精制茶制造业"),
    "16": ("C", "烟草制品业"),
    "17": ("C", "纺织业"),
    "18": ("C", "纺织服装、服饰业"),
    "19": ("C", "皮革、毛皮、羽毛及其制品和制鞋业"),
    "20": ("C", "木材加工和木、竹、藤、棕、草制品业"),
    "21": ("C", "家具制造业"),
    "22": ("C", "造纸和纸制品业"),
    "23": ("C", "印刷和记录媒介复制业"),
    "24": ("C", "文教、工美、体育和娱乐用品制造业"),
    "25": ("C", "石油、煤炭及其他燃料加工业"),
    "26": ("C", "化学原料和化学制品制造业"),
    "27": ("C", "医药制造业"),
    "28": ("C", "化学纤维制造业"),
    "29": ("C", "橡胶和塑料制品业"),
    "30": ("C", "非金属矿物制品业"),
    "31": ("C", "黑色金属冶炼和压延加工业"),
    "32": ("C", "有色金属冶炼和压延加工业"),
    "33": ("C", "金属制品业"),
    "34": ("C", "通用设备制造业"),
    "35": ("C", "专用设备制造业"),
    "36": ("C", "汽车制造业"),
    "37": ("C", "铁路、船舶、航空航天和其他运输设备制造业"),
    "38": ("C", "电气机械和器材制造业"),
    "39": ("C", "计算机、通信和其他电子设备制造业"),
    "40": ("C", "仪器仪表制造业"),
    "41": ("C", "其他制造业"),
    "42": ("C", "废弃资源综合利用业"),
    "43": ("C", "金属制品、机械和设备修理业"),
    "44": ("D", "电力、热力生产和供应业"),
    "45": ("D", "燃气生产和供应业"),
    "46": ("D", "水的生产和供应业"),
    "47": ("E", "房屋建筑业"),
    "48": ("E", "土木工程建筑业"),
    "49": ("E", "建筑安装业"),
    "50": ("E", "建筑装饰、装修和其他建筑业"),
    "51": ("F", "批发业"),
    "52": ("F", "零售业"),
    "53": ("G", "铁路运输业"),
    "54": ("G", "道路运输业"),
    "55": ("G", "水上运输业"),
    "56": ("G", "航空运输业"),
    "57": ("G", "管道运输业"),
    "58": ("G", "多式联运和运输代理业"),
    "59": ("G", "装卸搬运和仓储业"),
    "60": ("G", "邮政业"),
    "61": ("H", "住宿业"),
    "62": ("H", "餐饮业"),
    "63": ("I", "电信、广播电视和卫星传输服务"),
    "64": ("I", "互联网和相关服务"),
    "65": ("I", "软件和信息技术服务业"),
    "66": ("J", "货币金融服务"),
    "67": ("J", "资本市场服务"),
    "68": ("J", "保险业"),
    "69": ("J", "其他金融业"),
    "70": ("K", "房地产业"),
    "71": ("L", "租赁业"),
    "72": ("L", "商务服务业"),
    "73": ("M", "研究和试验发展"),
    "74": ("M", "专业技术服务业"),
    "75": ("M", "科技推广和应用服务业"),
    "76": ("N", "水利管理业"),
    "77": ("N", "生态保护和环境治理业"),
    "78": ("N", "公共设施管理业"),
    "79": ("N", "土地管理业"),
    "80": ("O", "居民服务业"),
    "81": ("O", "机动车、电子产品和日用产品修理业"),
    "82": ("O", "其他服务业"),
    "83": ("P", "教育"),
    "84": ("Q", "卫生"),
    "85": ("Q", "社会工作"),
    "86": ("R", "新闻和出版业"),
    "87": ("R", "广播、电视、电影和录音制作业"),
    "88": ("R", "文化艺术业"),
    "89": ("R", "体育"),
    "90": ("R", "娱乐业"),
    "91": ("S", "中国共产党机关"),
    "92": ("S", "国家机构"),
    "93": ("S", "人民政协、民主党派"),
    "94": ("S", "社会保障"),
    "95": ("S", "群众团体、社会团体和其他成员组织"),
    "96": ("S", "基层群众自治组织及其他组织"),
    "97": ("T", "国际组织"),
}

#: The campaign category a 大类 falls in when the text names no campaign category itself.
CAMPAIGN_BY_DIVISION = {
    "13": "food",
    "14": "food",
    "15": "food",
    "21": "furniture",
    "22": "papermaking",
    "23": "printing",
    "26": "chemical",
    "29": "plastics",
    "30": "building_materials",
}
#: Words in the text that name a campaign category outright (checked first).
CAMPAIGN_WORDS = (
    ("炼油", "small_refinery"),
    ("铸造", "foundry"),
    ("电镀", "electroplating"),
    ("石粉", "stone_powder"),
    ("洗砂", "sand_washing"),
    ("塑料", "plastics"),
    ("造纸", "papermaking"),
    ("印刷", "printing"),
    ("家具", "furniture"),
    ("化工", "chemical"),
    ("建材", "building_materials"),
    ("食品", "food"),
)

_CODE = re.compile(r"^\s*([A-Ta-t])?\s*(\d{2})(\d{0,2})")
_SPACE = re.compile(r"\s+")


def label(code: str) -> str:
    """ "C26 化学原料和化学制品制造业" for a stored code, "" for none."""
    if not code:
        return ""
    if len(code) == 1:
        return f"{code} {SECTIONS.get(code, '')}"
    name = DIVISIONS.get(code[1:], ("", ""))[1]
    return f"{code} {name}"


def _stored(division: str) -> str:
    return DIVISIONS[division][0] + division


_BY_NAME = {name: _stored(d) for d, (_s, name) in DIVISIONS.items()}
_BY_NAME.update({name: s for s, name in SECTIONS.items()})


def classify(text: str) -> str:
    """The GB/T 4754-2017 code for a register's industry text ("" when it names none): a code
    ("C26", "26", "2614", "C2614"), a 大类 or 门类 name, or a text containing one."""
    clean = _SPACE.sub("", text or "").replace("（", "(").replace("）", ")")
    if not clean:
        return ""
    found = _CODE.match(clean)
    if found and found.group(2) in DIVISIONS:
        letter = (found.group(1) or "").upper()
        if not letter or letter == DIVISIONS[found.group(2)][0]:
            return _stored(found.group(2))
    if len(clean) == 1 and clean.upper() in SECTIONS:
        return clean.upper()
    name = clean.lstrip("ABCDEFGHIJKLMNOPQRST0123456789")
    if name in _BY_NAME:
        return _BY_NAME[name]
    # A shortened name ("木材加工", "化学原料制造") inside one official name, or an official name
    # inside a longer text ("精细化工/化学原料和化学制品制造业").
    if len(name) >= 3:
        for official, code in _BY_NAME.items():
            if len(official) > 2 and (official in name or (name in official and len(code) == 3)):
                return code
    return ""


def campaign_category(text: str, gbt: str) -> str | None:
    """The campaign's category (enforcement.domain.INDUSTRIES key) for the text, or None."""
    for word, category in CAMPAIGN_WORDS:
        if word in (text or ""):
            return category
    if gbt and len(gbt) == 3:
        return CAMPAIGN_BY_DIVISION.get(gbt[1:])
    return None
