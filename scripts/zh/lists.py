"""zh_CN glossary for the enforcement lists, their exports and prints (issue 8)."""

GLOSSARY = {
    "Overdue cases": "逾期清单", "Cases falling due": "到期清单",
    "Planned follow-up visits": "跟踪检查清单", "Weekly dispatch": "每周调度清单",
    "Monthly summary": "月度汇总", "Close orders": "取缔清单", "Stop orders": "停产整治清单",
    "Rectification orders": "限期整改清单", "Fines": "罚款清单", "Permit supervision": "监管清单",
    "What the bureau acts on: open a list, filter it, print it or download it.":
        "局里据以调度的清单：打开、筛选、打印或下载。",
    "printable": "可打印", "As of %(day)s": "截至 %(day)s",
    "week %(start)s to %(end)s": "本周 %(start)s 至 %(end)s", "As of": "截至日期",
    "Within (days)": "天数范围", "Month": "月份", "Inspector": "执法人员",
    "All inspectors": "全部执法人员", "Downloads": "下载", "Print": "打印",
    "New cases last week": "上周新立案件", "Due this week": "本周到期",
    "Overdue on Monday": "周一逾期", "Follow-ups per inspector": "各执法人员跟踪检查",
    "Unassigned": "未分配", "Nothing on this list.": "清单为空。", "Visits": "检查次数",
    "Fines decided": "罚款决定", "Collected": "已收缴", "Closures verified": "取缔核查通过",
    "Rebounds": "反弹", "Complaints": "投诉", "No township": "未划定乡镇",
    "%(n)s days overdue": "逾期 %(n)s 天", "surcharge": "加处罚款", "Back": "返回",
    "No.": "序号", "Follow-up visit": "跟踪检查", "Days overdue": "逾期天数", "Done": "完成",
    "Amount decided": "决定金额", "Decision date": "决定日期", "Amount": "金额",
    "Prepared by": "制表人", "Reviewed by": "审核人", "Approved by (head of unit)": "负责人签批",
    "Date": "日期", "Printed by %(who)s from the field enforcement system.":
        "由 %(who)s 自环境执法系统打印。",
    "Public disclosure": "公开曝光",
    "Public disclosure of enforcement decisions": "环境执法决定公开曝光",
    "Penalty decisions and closure or production-stop orders of %(bureau)s, as of %(day)s.":
        "%(bureau)s作出的行政处罚决定及取缔、停产整治决定，截至 %(day)s。",
    "no credit code": "无统一社会信用代码", "Nothing published yet.": "暂无公开信息。",
}
