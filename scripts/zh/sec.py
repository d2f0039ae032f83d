"""zh_CN translations for issue #14 (security holes)."""
GLOSSARY = {
    "Follow-up claimed by an officer not on the case": "非本案执法人员提交的跟进检查",
    "Not on this case": "非本案承办人员",
    "Text that cannot be stored": "无法保存的文字",
    "Signed out everywhere: every session ended, %(n)s API tokens revoked.": "已全部退出：所有会话已结束，%(n)s 个接口令牌已吊销。",
    "Sign out everywhere (sessions and API tokens)": "全部退出（会话及接口令牌）",
    "A number or text in the request is out of range.": "请求中的数字或文字超出允许范围。",
}
