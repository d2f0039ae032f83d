"""Fill empty zh_CN entries of a catalogue from the glossary below (the .po file stays the
source of truth: entries already translated there are never overwritten)."""
import sys

from babel.messages.pofile import read_po, write_po

GLOSSARY = {
    "Wrong username or password.": "用户名或密码错误。",
    "You are logged out.": "您已退出登录。",
    "The form expired or was not sent from this site. Please try again.": "表单已过期或并非从本站提交，请重试。",
    "Something went wrong on our side. Nothing was saved.": "系统出现错误，本次操作未保存任何内容。",
    "Username": "用户名", "Password": "密码", "unannounced": "暗访",
    "Counted without official holiday data": "该日期按无官方节假日安排的年份推算",
    "provisional": "暂定", "Home": "首页", "Worklist": "工作清单", "Cases": "案件",
    "Enterprises": "企业", "Disclosure": "公开曝光", "Field Enforcement": "环境执法",
    "Log out": "退出", "Main": "主导航", "Back to the start": "返回首页", "Log in": "登录",
    "Field enforcement for inspectors and reviewers.": "面向执法人员和审核人员的现场执法系统。",
    "Public disclosure list": "公开曝光名单", "no login needed": "无需登录", "Case": "案件",
    "Enterprise": "企业", "Served on": "送达日期", "Violation": "违法行为", "Legal basis": "法律依据",
    "Fine": "罚款", "Late surcharge": "加处罚款", "to %(day)s": "截至 %(day)s", "Assignee": "承办人",
    "Responsibility": "责任分解", "Linked cases": "关联案件", "opened from this case": "由本案升级",
    "this case was opened from it": "本案由其升级", "Deadlines": "期限", "Deadline": "期限",
    "Due": "到期日", "Status": "状态", "%(n)s days": "%(n)s 天", "None.": "无。",
    "Follow-up visits": "跟踪检查", "Visit": "检查", "Window": "时间窗", "History": "办理记录",
    "Decision served": "决定书送达", "Possible next events": "可办理事项", "Open": "在办",
    "Overdue": "逾期", "All": "全部", "Action": "处置方式", "All actions": "全部处置方式",
    "Township": "乡镇/园区", "All townships": "全部乡镇/园区", "Filter": "筛选", "served": "送达",
    "No cases match.": "没有符合条件的案件。", "Previous": "上一页", "Next": "下一页",
    "Credit code": "统一社会信用代码", "none": "无", "Address": "地址", "Industry": "行业",
    "Risk class": "风险等级", "Permit": "排污许可证", "expires": "到期", "Contact": "联系人",
    "Location": "位置", "No cases.": "暂无案件。", "Visits": "检查记录",
    "%(m)s m from the pin": "距企业定位 %(m)s 米", "outside geofence": "超出电子围栏",
    "No visits.": "暂无检查记录。", "Name, credit code or address": "名称、信用代码或地址",
    "Search": "搜索", "risk": "风险", "No enterprises match.": "没有符合条件的企业。",
    "Campaign overview": "专项行动概况", "As of %(day)s": "截至 %(day)s", "Open cases": "在办案件",
    "Cases overdue": "逾期案件", "Due within 7 days": "7 日内到期",
    "Follow-up visits overdue": "逾期未检查", "Open cases by action": "在办案件（按处置方式）",
    "Recently changed cases": "最近更新的案件", "No cases yet.": "暂无案件。", "My work": "我的工作",
    "Good day, %(name)s": "%(name)s，您好", "Today is %(day)s": "今天是 %(day)s",
    "Overdue follow-ups": "逾期检查", "Due today": "今日到期", "Due this week": "本周到期",
    "Complaint tasks": "投诉核查任务", "Next visits": "近期检查", "Nothing due this week.": "本周没有到期的检查。",
    "Open my worklist": "打开工作清单", "My recent visits": "我最近的检查", "No visits yet.": "暂无检查。",
    "This week": "本周", "Public disclosure": "公开曝光",
    "Public disclosure of enforcement decisions": "环境违法行为处罚决定公开",
    "Penalty decisions and closure or production-stop orders of %(bureau)s, as of %(day)s.":
        "%(bureau)s作出的行政处罚决定及取缔、停产整治决定，截至 %(day)s。",
    "no credit code": "无信用代码", "Nothing published yet.": "暂无公开内容。",
    "Some dates were counted without the official holiday schedule for their year and will be recomputed when it is imported.":
        "部分日期所在年份尚无官方节假日安排，系按周末推算（暂定），导入当年安排后将重新计算。",
}


def main(path: str) -> None:
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if not message.string:
            if message.id in GLOSSARY:
                message.string = GLOSSARY[message.id]
            else:
                missing.append(message.id)
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=100)
    for m in missing:
        print("untranslated:", m, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
