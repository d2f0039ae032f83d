"""zh_CN glossary for issuing papers (issue #17 item 10: the 文号 is given when a paper is issued)
and for case events refused for fields their type does not use (issue #14)."""

GLOSSARY = {
    "Draft": "草稿",
    "Issued as %(number)s.": "已签发，文号 %(number)s。",
    "Already issued as %(number)s.": "此前已签发，文号 %(number)s（未重新编号）。",
    "Draft: not issued, no number.": "草稿：尚未签发，未编号。",
    "Check the paper, then issue it: the number is allocated only when it is issued, and issuing again keeps the same number.":
        "请核对文书内容后签发：文号仅在签发时编定，重复签发仍为同一文号。",
    "Issue and number this paper": "签发并编号",
    "Your role may read the draft but not issue it.": "您的角色可查看草稿，但不能签发。",
    "draft: a number is given when it is issued": "草稿：签发时编号",
    "You may not issue papers.": "您不能签发文书。",
    # issue #14: an event's payload holds only its type's fields
    "The event carries fields its type does not use.": "该事件包含其类型不使用的字段，未予记录。",
}
