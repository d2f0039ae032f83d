"""Reference vocabularies shared by pages, demo data and validation (zh, en)."""

from __future__ import annotations

# The campaign's industries (its closure and stop targets) and ordinary lawful emitters.
INDUSTRIES = {
    "small_refinery": ("小炼油", "Small refinery"),
    "foundry": ("铸造", "Foundry"),
    "plastics": ("塑料加工", "Plastics"),
    "stone_powder": ("石粉加工", "Stone powder"),
    "electroplating": ("电镀", "Electroplating"),
    "chemical": ("化工", "Chemical"),
    "papermaking": ("造纸", "Papermaking"),
    "sand_washing": ("洗砂", "Sand washing"),
    "furniture": ("家具制造", "Furniture"),
    "printing": ("印刷", "Printing"),
    "food": ("食品加工", "Food processing"),
    "building_materials": ("建材", "Building materials"),
    "other": ("其他", "Other"),
}

ROLE_LABELS = {
    "inspector": ("执法人员", "Inspector"),
    "reviewer": ("审核人员", "Reviewer"),
    "admin": ("管理员", "Administrator"),
    "unit": ("责任单位联络员", "Unit officer"),
}

PURPOSE_LABELS = {
    "routine": ("双随机检查", "Routine random check"),
    "complaint": ("信访投诉", "Complaint"),
    "follow_up": ("跟踪复查", "Follow-up"),
    "verification": ("核查验收", "Verification"),
}


def label(table: dict, key: str, locale: str) -> str:
    pair = table.get(key)
    if not pair:
        return key
    return pair[0] if str(locale).startswith("zh") else pair[1]


DEADLINE_LABELS = {
    "rectify_by": ("整改期限", "Rectify by"),
    "plan_due": ("整改方案报送", "Rectification plan due"),
    "period_end": ("限制生产期满", "Limit period ends"),  # only 限制生产 has one (issue #15)
    "verify_by": ("核查期限", "Verify by"),
    "execute_by": ("两断三清期限", "Execute by"),
    "hearing_request_by": ("听证申请期限", "Hearing request by"),
    "decide_by": ("作出决定期限", "Decide by"),
    "pay_by": ("缴纳期限", "Pay by"),
    "publish_by": ("公开期限", "Publish by"),
    "reconsideration_by": ("复议申请期限", "Reconsideration window"),
    "litigation_by": ("起诉期限", "Litigation window"),
    "enforce_by": ("申请强制执行期限", "Request enforcement by"),
    "reinspect_by": ("按日计罚复查期限", "Re-inspect by"),
    "permit_renewal_by": ("排污许可延续申请", "Permit renewal application"),
    "monitoring_report_by": ("监测报告", "Monitoring report"),
    "tax_declare_by": ("环保税申报", "Environmental tax declaration"),
    "seal_end": ("查封扣押期满", "Seal-up ends"),
}

STATUS_LABELS = {
    "pending": ("未到期", "Pending"),
    "met": ("已完成", "Met"),
    "overdue": ("逾期", "Overdue"),
    "planned": ("待检查", "Planned"),
    "done": ("已完成", "Done"),
    "missed": ("已逾期", "Missed"),
    "cancelled": ("已撤销", "Cancelled"),
}

EVENT_LABELS = {
    "report_rectified": ("企业报告整改完成", "Enterprise reported fixed"),
    "verify": ("核查", "Verification"),
    "file_plan": ("报送整改方案", "Plan filed"),
    "accept_plan": ("整改方案审查通过", "Plan accepted"),
    "publish": ("处罚决定已公开", "Decision published"),
    "appeal_decided": ("复议或诉讼结果", "Appeal decided"),
    "report_monitoring": ("报送监测报告", "Monitoring report filed"),
    "declare_tax": ("申报环保税", "Environmental tax declared"),
    "apply_permit_renewal": ("申请延续排污许可", "Permit renewal applied for"),
    "renew_permit": ("排污许可已延续", "Permit renewed"),
    "extend": ("批准延期", "Extension approved"),
    "report_completed": ("报告整治完成", "Completion reported"),
    "execute": ("两断三清", "Executed (two cuts, three clears)"),
    "notify": ("送达告知书", "Advance notice served"),
    "request_hearing": ("申请听证", "Hearing requested"),
    "decide": ("作出处罚决定", "Penalty decided"),
    "pay": ("缴纳罚款", "Payment"),
    "appeal": ("复议或诉讼", "Appeal"),
    "request_enforcement": ("申请法院强制执行", "Enforcement requested"),
    "gate": ("四关状态", "Gate status"),
    "release": ("解除监管", "Released"),
    "reopen": ("重新开启", "Reopened"),
    "visit": ("现场检查", "Visit"),
    "close": ("结案", "Closed"),
    "expire": ("期限届满", "Period expired"),
    "gate_overdue": ("四关逾期", "Gate overdue"),
    "rebound": ("反弹", "Rebound"),
    "approve_close": ("人民政府批准关闭", "Closure approved by the government"),
    "decline_close": ("人民政府不予批准关闭", "Closure not approved"),
    "handle": ("作出处理决定", "Handling decision"),
    "hearing": ("听证", "Hearing"),
    "receive": ("当事人签收决定书", "Decision received by the party"),
    "notify_hearing": ("送达听证通知书", "Hearing notice served"),
    "extend_decision": ("批准延长办案期限", "Time limit for deciding extended"),
    "suspend": ("办案期限中止", "Time limit suspended"),
    "resume": ("办案期限恢复计算", "Time limit resumed"),
    "demand_served": ("送达催告书", "Written demand served"),
}

LINK_REASONS = {
    "not_rectified": ("逾期未整改", "Not rectified"),
    "production_running": ("停产期间擅自生产", "Production found running"),
    "period_expired": ("整治期满未完成", "Stop period ran out"),
    "rebound": ("取缔后反弹", "Rebound after closure"),
    "gate_overdue": ("四关逾期未整改", "Gate not fixed in time"),
    "daily_penalty": ("按日连续处罚", "Daily continuous penalty"),
}

GATE_LABELS = {
    "declaration": ("排污申报登记", "Discharge declaration"),
    "acceptance": ("环保竣工验收", "Environmental acceptance"),
    "monitoring": ("监测报告", "Monitoring reports"),
    "tax": ("环保税缴纳", "Environmental tax"),
}


def followup_label(key: str, locale: str) -> str:
    """A planned visit's name from its engine key (stop_check_2, rebound_3m, ...)."""
    zh = str(locale).startswith("zh")
    head, _, tail = key.rpartition("_")
    if key == "reinspect":
        return "整改复查" if zh else "Re-inspection"
    if key == "daily_reinspect":
        return "按日计罚复查" if zh else "Daily-penalty re-inspection"
    if key == "post_resumption":
        return "恢复生产后检查" if zh else "Post-resumption check"
    if key in ("verify", "verification") or key.startswith("verify"):
        return "核查验收" if zh else "Verification"
    if head == "seal_check" and tail.isdigit():
        return f"封条检查（第{tail}次）" if zh else f"Seal check {tail}"
    if head == "stop_check" and tail.isdigit():
        return f"停产检查（第{tail}次）" if zh else f"Stop check {tail}"
    if head == "rebound" and tail.endswith("m"):
        return (
            f"防反弹巡查（{tail[:-1]}个月）" if zh else f"Anti-rebound check ({tail[:-1]} months)"
        )
    if head == "routine" and tail.isdigit():
        return f"例行检查（第{tail}次）" if zh else f"Routine inspection {tail}"
    return key
