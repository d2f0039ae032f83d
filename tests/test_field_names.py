"""Issue #17, finding 8: people read people's names (exports, the printed weekly list, case
histories, the draw), never usernames or internal keys; the API keeps the codes."""
from __future__ import annotations

import csv
import io
from datetime import date

from support_app import NOW, PASSWORD
from enforcement.extensions import db, write_intent


def _named(make_user, username, name, role="inspector", township=None):
    from enforcement.services.core.actor import SYSTEM
    from enforcement.services.people import users
    user = make_user(username, role, township_code=township)
    token = write_intent.set(True)
    try:
        users.update_user(SYSTEM, user, {"display_name": name}, now=NOW)
        db.session.commit()
    finally:
        write_intent.reset(token)
    return user


def test_exports_and_the_printed_weekly_list_show_the_officers_name(
        app, client, make_township, make_user, make_case, api_token):
    from support_app import Auth
    make_township("yanjiao", "燕郊镇", "Yanjiao")
    chen = _named(make_user, "chenjing", "陈静", township="yanjiao")
    _named(make_user, "rev", "李审核", role="reviewer")
    make_case(action="rectify", served_on=date(2026, 9, 28), assignee_id=chen.id, rectify_days=7)
    headers = api_token(chen)
    api = client.get("/api/v1/lists/overdue?as_of=2026-12-31", headers=headers).get_json()["items"]
    assert api[0]["assignee"] == "chenjing" and api[0]["assignee_name"] == "陈静"  # codes stay in the API
    data = client.get("/api/v1/lists/overdue?as_of=2026-12-31&format=csv", headers=headers,
                      buffered=True).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert "陈静" in rows[1] and "chenjing" not in data
    month = client.get("/api/v1/lists/monthly?month=2026-09&format=csv", headers=headers,
                       buffered=True)
    text = month.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("月份") and "2026-09" in text.splitlines()[1]
    assert "2026-09" in month.headers["Content-Disposition"]
    Auth(client).login("rev", PASSWORD)
    page = client.get("/lists/print/weekly?as_of=2026-10-05").get_data(as_text=True)
    assert "chenjing" not in page
