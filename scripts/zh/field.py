"""zh_CN glossary for issue #17: the outbox, refusals by code, rights at a site, the case page's
evidence (merged by scripts/fill_zh.py)."""

GLOSSARY = {
    # outbox and photos
    "Delete this photo? It has not been sent and cannot be recovered.": "删除这张照片？照片尚未发送，删除后无法恢复。",
    "Delete this item from the phone? It has not reached the bureau and cannot be recovered.":
        "从手机上删除此项？它尚未送达执法局，删除后无法恢复。",
    "Remove it from the phone? The bureau keeps the refused submission for a reviewer.":
        "从手机上移除？执法局已留存被拒收的提交，供审核人员处理。",
    "Next try in %(s)s s.": "%(s)s 秒后重试。",
    "The bureau keeps it for a reviewer; it is not sent again.": "执法局已留存待审核，不会再次发送。",
    "Your session has ended: log in again, then it is sent.": "登录已失效：请重新登录，之后将自动发送。",
    "No answer from the bureau: it will be tried again.": "执法局未响应，将稍后重试。",
    "%(n)s received": "已收到 %(n)s 张",
    "%(n)s on this phone, being sent": "%(n)s 张在本机，正在发送",
    "%(n)s refused: see the outbox": "%(n)s 张被拒收：请查看待发送",
    # error codes
    "The request could not be completed.": "请求未能完成。",
    "Some values need correcting: see the marked fields.": "部分内容需要更正，请查看标出的项目。",
    "This record does not exist (or no longer exists).": "该记录不存在（或已被删除）。",
    "You may not do this.": "您无权执行此操作。",
    "You serve orders only at sites in your own township, or at a firm the 双随机 draw assigned to you.":
        "您只能对本乡镇的企业，或双随机抽查分配给您的企业作出决定。",
    "You are not on this case: only its officers and the desk record what happens on it.":
        "您不是本案的承办人员：只有承办人员和审核人员可以记录本案进展。",
    "Please log in.": "请先登录。",
    "This conflicts with what the bureau already holds.": "与执法局已有的记录冲突。",
    "This record already exists.": "该记录已存在。",
    "This record was already sent with other content; the bureau keeps it for a reviewer.":
        "该记录已以不同内容发送过，执法局已留存待审核。",
    "This step is not possible in the case's current state.": "案件当前状态下不能办理此事项。",
    "The file is too large.": "文件过大。",
    "This file type is not accepted: send a JPEG, PNG, WebP or HEIC photo.": "不接受此文件类型：请发送 JPEG、PNG、WebP 或 HEIC 照片。",
    "Inspectors open cases in their own township only.": "执法人员只能对本乡镇的企业立案。",
    "You are not on this case.": "您不是本案的承办人员。",
    "at least two officers must be named": "至少须有两名执法人员",
    "its SHA-256 was not published for this period": "本期未事先公布该种子的 SHA-256 值",
    "too common: a well-known word with digits or symbols added": "过于常见：常用单词加数字或符号",
    "mix letters with digits or symbols": "请混合使用字母与数字或符号",
    "too few different characters": "不同字符太少",
    "required": "必填",
    "Please log in to access this page.": "请先登录后再访问此页面。",
    "Fine amount": "罚款金额", "Statutory maximum": "法定最高金额", "Legal basis": "法律依据",
    "Violation": "违法行为", "Officers": "执法人员", "Served on": "送达日期",
    "Unified social credit code": "统一社会信用代码", "Seed": "随机种子", "Password": "密码", "Date": "日期",
    "Action": "措施",
    "must not exceed the statutory maximum of ¥%(yuan)s": "不得超过法定最高金额 ¥%(yuan)s 元",
    "the check character is wrong (it should be %(c)s)": "校验码错误（应为 %(c)s）",
    "at least %(n)s characters": "至少 %(n)s 个字符",
    "Not possible now: the case is “%(state)s”, so “%(event)s” cannot be recorded.":
        "现在无法办理：本案当前为“%(state)s”，不能记录“%(event)s”。",
    "Check this value.": "请检查此项。",
    # HTTP errors
    "The request was not understood. Please go back and try again.": "请求无法识别，请返回后重试。",
    "You may not open this page with your role. Ask the bureau's administrator if you need it.":
        "您的角色无权打开此页面。如确有需要，请联系本局管理员。",
    "This page does not exist, or the record was removed.": "页面不存在，或记录已被删除。",
    "This page cannot be used this way.": "不能以这种方式使用此页面。",
    "What you sent is too large.": "提交的内容过大。",
    "This file type is not accepted.": "不接受此文件类型。",
    "Some values need correcting.": "部分内容需要更正。",
    "Too many attempts. Please wait a minute and try again.": "尝试次数过多，请稍等一分钟后重试。",
    # conflict queue
    "Event": "事项", "Checklist": "检查清单", "Water cut": "断水", "Power cut": "断电",
    "Raw materials cleared": "清除原料", "Equipment cleared": "清除设备", "Products cleared": "清除产品",
    "Enterprise": "企业", "Visited at": "检查时间", "Latitude": "纬度", "Longitude": "经度",
    "Accuracy (m)": "定位精度（米）", "Purpose": "检查目的", "Unannounced": "不打招呼",
    "Findings": "检查发现", "Amount": "金额", "Compliant": "已整改到位", "Visit": "检查",
    "Days to rectify": "整改天数", "Months": "月数", "Approved by": "批准人", "Gate": "关口",
    "Status": "状态", "Follow-up": "后续检查", "Approval reference": "审批文号", "Reason": "原因",
    "Result": "结果", "State": "状态", "Distance (m)": "距离（米）", "Within the geofence": "在电子围栏内",
    "Photos": "照片", "yes": "是", "no": "否",
    "Not allowed": "无权办理", "Not valid": "内容无效", "Refused": "被拒收",
    # rights at a site
    "You cannot serve an order here": "您不能在此作出决定",
    "This firm is in %(township)s, outside your township, and no 双随机 draw assigned it to you. Record the visit and its evidence; an officer of that township or the desk serves the order.":
        "该企业属于%(township)s，不在您的辖区，也未经双随机抽查分配给您。请记录检查情况和证据，由该乡镇执法人员或审核人员作出决定。",
    "Assigned to you by the 双随机 draw %(period)s: you may serve orders at this firm.":
        "双随机抽查（%(period)s）已将该企业分配给您：您可以对该企业作出决定。",
    "A firm of your township: you may serve orders here.": "本乡镇企业：您可以作出决定。",
    "As a reviewer you may serve orders at any firm.": "审核人员可以对任何企业作出决定。",
    "Back to the visit": "返回检查记录",
    "Outside your township and not assigned to you by a draw: you record the visit here, an officer of %(township)s or the desk serves any order.":
        "非本乡镇企业，也未经双随机抽查分配给您：您可在此记录检查，决定由%(township)s执法人员或审核人员作出。",
    "Outside your township and not assigned to you by a draw: this visit is recorded, an officer of that township or the desk serves any order.":
        "非本乡镇企业，也未经双随机抽查分配给您：检查已记录，决定由该乡镇执法人员或审核人员作出。",
    # case page evidence
    "Evidence": "证据", "found the violation": "发现违法行为", "GPS fix": "定位",
    "accuracy ±%(m)s m": "精度 ±%(m)s 米", "none": "无", "No visit is linked to this case.": "本案尚无关联的检查记录。",
    "Papers": "执法文书", "not issued yet": "尚未出具",
    "Other township: visit and evidence only, no order": "外乡镇企业：仅可检查取证，不能作出决定",
    # serve form: what the law needs
    "Name the legal basis: the law and article this order applies.": "请填写法律依据：本决定适用的法律及条款。",
    "Give the amount of the fine, in yuan.": "请填写罚款金额（元）。",
    "Already carried out": "已执行完毕",
    "This closure is “%(state)s”: the two cuts and three clears are recorded. Nothing is left to tick here.":
        "本关闭决定当前为“%(state)s”：两断三清已记录，此处无需再勾选。",
    "Open the case": "打开案件",
    "%(bureau)s · Field enforcement": "%(bureau)s · 现场执法", "Field enforcement": "现场执法",
    "%(n)s waiting to be sent: they are being sent now.": "%(n)s 项待发送，正在发送。",
    "%(n)s refused by the bureau: the reason is shown below; the bureau keeps it for a reviewer.":
        "%(n)s 项被执法局拒收：原因见下方，执法局已留存待审核。",
    "More results": "更多结果",
    "Choose the industry": "请选择行业", "Choose the industry.": "请选择行业。",
    # disclosure review
    "Published on the public disclosure page.": "已在公开曝光页面发布。",
    "Public disclosure": "公开曝光",
    "Published by a reviewer on %(day)s.": "已由审核人员于 %(day)s 发布。",
    "On the public page since %(day)s (published by itself after the review period).":
        "自 %(day)s 起公开（审核期满后自动发布）。",
    "Not public yet: a reviewer publishes it after reading it.": "尚未公开：经审核人员审阅后发布。",
    "Otherwise it is published by itself on %(day)s.": "如未审核，将于 %(day)s 自动发布。",
    "Publish on the disclosure page": "发布到公开曝光页面",
}
GLOSSARY.update({
    "The law does not allow this step now.": "法律不允许现在办理此事项。",
    "The law does not allow this step now (%(article)s).": "法律不允许现在办理此事项（依据：%(article)s）。",
})
GLOSSARY["Not allowed by law"] = "法律不允许"
