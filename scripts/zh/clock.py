"""zh_CN glossary for the legal clock (issue #15): the desk's fine events (receipt, hearing notice,
time limit for deciding, suspension)."""

GLOSSARY = {
    "Received by the party on": "当事人签收日期",
    "Hearing held on": "听证举行日期",
    "Days of extension": "延长天数",
    "Decided collectively by the bureau's heads": "经负责人集体讨论决定",
    "Testing or monitoring": "监测（检测）",
    "Service of papers": "文书送达",
    "Public announcement": "公告",
    "Evaluation or appraisal": "评估、鉴定",
    "Suspension of the case": "案件中止",
}
