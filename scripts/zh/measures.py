"""zh_CN glossary for issue #15: stop measures (限制生产 / 停产整治), seal-up and seizure (查封、扣押),
closure approval, hearing and forced execution."""

GLOSSARY = {
    "Days of extension": "延长天数", "Approved on": "批准日期",
    "Public disclosure record": "信息公开记录", "Handling decision": "处理决定",
    "Hearing requested on": "申请听证日期", "Party notified on": "通知当事人日期",
    "Hearing held on": "举行听证日期", "Started at (HH:MM)": "开始时间（时:分）",
    "Urgency reason (holiday or night)": "紧急情况说明（节假日或夜间）",
    "Every order states its legal basis.": "每份决定都必须写明法律依据。",
    "The bureau head's approval is needed before this order is served.": "送达前须经本局负责人批准。",
    "Choose limit production or stop production.": "请选择限制生产或停产整治。",
    "List the facilities or equipment, one per line.": "请逐行列明设施、设备。",
    "Refused by law: %(article)s. Give the urgency reason, or carry it out on a working day in daytime.":
        "依法不予执行：%(article)s。请说明紧急情况，或在工作日白天实施。",
    "Administrative Compulsion Law Art. 43": "《中华人民共和国行政强制法》第四十三条",
    "Measure": "措施", "Limit production (at most 3 months)": "限制生产（不超过三个月）",
    "Stop production for rectification (until lifted)": "停产整治（至解除之日止）",
    "Seal-up or seizure": "查封或扣押", "Seal up": "查封", "Seize": "扣押", "Seal up and seize": "查封并扣押",
    "Items sealed or seized (one per line)": "查封、扣押的设施设备（每行一项）",
    "The firm resumed production under a stop order": "企业在停产整治期间擅自恢复生产",
    "Closure approved by (people's government)": "批准关闭的人民政府",
    "Urgency reason (only at night or on a holiday)": "紧急情况说明（仅夜间或节假日实施时填写）",
    "Seal-ups and seizures": "查封扣押", "Extension": "延期", "months": "个月", "days": "日",
    "Items sealed or seized": "查封、扣押清单", "Closure proposed": "拟报请关闭",
    "local campaign rule": "地方专项行动规则",
    "needs the approval of the people's government (EPL Art. 60)": "须报经有批准权的人民政府批准（环境保护法第六十条）",
    "Closure approved by": "批准关闭", "Lifted on (filing)": "解除日期（备案之日）",
    "Urgency of the forced execution": "强制执行的紧急情况", "Seals found broken": "发现封条被破坏",
    "No forced execution at night or on a holiday unless urgent (Administrative Compulsion Law Art. 43).":
        "除情况紧急外，不得在夜间或者法定节假日实施强制执行（行政强制法第四十三条）。",
    "e.g. 电镀槽 2 个": "例如：电镀槽 2 个",
    "The order tells the party of the right to request a hearing (Administrative Penalty Law Art. 63).":
        "决定书告知当事人有要求举行听证的权利（行政处罚法第六十三条）。",
}
