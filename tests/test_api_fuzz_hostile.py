"""The API fuzzed with the inputs the attack of issue #14 found crashing it: lone UTF-16
surrogates (text cut inside an emoji), NUL, integers beyond every column's range, wrong types,
in every field of every JSON body, every path id and every query parameter of the published
document. Bodies start from a valid request, so the hostile value reaches the service, not only
the schema check. The answer may be anything but a server error."""
from __future__ import annotations

import json
import os
from datetime import date

from hypothesis import HealthCheck, given, settings, strategies as st

from enforcement.extensions import db
from enforcement.web import openapi

LONE = ["\ud83d", "\ude00", "a\ud800b", "名称\udfff", "\ud83d" * 3]
HUGE = [2**31, 2**31 - 1, 2**53 + 1, 2**63, -(2**63) - 1, 10**20, -(10**20), 10**400]
ODD = ["\x00", "", " ", "99999999999999999999", "2147483648", "-1", "1e999", None, True,
       [], {}, [LONE[0]], {"type": "release"}, {LONE[0]: 1}, 1.5e308, -0.0]
ALPHABET = st.sampled_from(LONE + HUGE + ODD)

N = int(os.environ.get("FUZZ_N", 25))


def _valid(ids) -> dict:
    e = ids["enterprise_id"]
    return {
        "TokenRequest": {"username": "zhangwei", "password": "wrong-password-1"},
        "EnterpriseCreate": {"name": "模糊测试厂", "lat": 39.97, "lon": 116.84,
                             "township": "yanjiao"},
        "EnterprisePatch": {"address": "燕郊镇新址"},
        "VisitCreate": {"client_uuid": None, "enterprise_id": e,
                        "visited_at": "2026-11-20T10:00:00+08:00", "lat": 39.96, "lon": 116.83,
                        "purpose": "verification", "inspectors": ["zhangwei", "liuyang"],
                        "findings": "现场检查", "followup_id": ids["followup_id"],
                        "result": {"compliant": True}},
        "CaseCreate": {"enterprise_id": e, "action": "rectify", "served_on": "2026-11-20",
                       "violation": "未批先建", "legal_basis": "第三十一条", "rectify_days": 30},
        "CaseEvent": {"type": "report_rectified", "on": "2026-11-20", "note": "已整改"},
        "ComplaintCreate": {"channel": "hotline", "category": "odour", "text": "夜间异味",
                            "address": "燕郊镇", "enterprise_id": e},
    }


def _operations():
    doc = openapi.document()
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            if method == "parameters" or (path, method) in openapi.DESCRIBED_ONLY:
                continue
            content = op.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {}).get("$ref", "")
            query = [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]
            yield path, method, schema.rsplit("/", 1)[-1] or None, query


def test_hostile_values_in_every_field_id_and_parameter_never_answer_5xx(
        app, client, make_township, make_user, make_enterprise, make_case, api_token):
    from support_app import new_uuid
    make_township("yanjiao", "燕郊镇", "Yanjiao")
    officer = make_user("zhangwei", "inspector", township_code="yanjiao")
    make_user("liuyang", "inspector", township_code="yanjiao")
    admin = make_user("admin", "admin")
    enterprise = make_enterprise(township="yanjiao")
    case = make_case(action="rectify", served_on=date(2026, 10, 9), rectify_days=15,
                     enterprise=enterprise, assignee_id=officer.id)
    ids = {"enterprise_id": enterprise.id, "case_id": case.id,
           "followup_id": case.followups[0].id, "visit_id": 1, "photo_id": 1, "name": "overdue"}
    headers = {"inspector": api_token(officer), "admin": api_token(admin)}
    valid = _valid(ids)
    operations = list(_operations())
    assert len(operations) >= 14
    counts = {"requests": 0, "5xx": 0}
    failures = []

    def send(method, path, role, body=None, query=None):
        text = None if body is None else json.dumps(body, ensure_ascii=True)
        response = client.open(path, method=method.upper(), query_string=query,
                               headers={**headers[role], "Content-Type": "application/json"},
                               data=text)
        db.session.rollback()
        counts["requests"] += 1
        if response.status_code >= 500:
            counts["5xx"] += 1
            failures.append((method, path, text and text[:200], query, response.status_code))

    for path, method, schema, query in operations:
        if "{" in path:
            for huge in ("2147483648", "99999999999999999999", "0", "-1"):
                send(method, path.replace("{", "").replace("}", "").replace(
                    path[path.index("{") + 1:path.index("}")], huge), "admin",
                    body=valid.get(schema) if schema else None)
        concrete = path
        for key, value in ids.items():
            concrete = concrete.replace("{" + key + "}", str(value))
        if method == "get" and query:
            @settings(max_examples=N, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            @given(name=st.sampled_from(query),
                   value=st.sampled_from(["2147483648", "99999999999999999999", "-1", "",
                                          "1e999", "\ufffd", "%ED%A0%80", "NaN", "0,0"]))
            def query_case(name, value):
                # Run at once, inside this iteration: the loop variables are the current ones.
                send("get", concrete, "admin", query={name: value})  # noqa: B023
            query_case()
        if schema in valid:
            fields = sorted(valid[schema])

            @settings(max_examples=N, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            @given(field=st.sampled_from(fields), value=ALPHABET,
                   role=st.sampled_from(["inspector", "admin"]))
            def body_case(field, value, role):
                # Run at once, inside this iteration: the loop variables are the current ones.
                body = dict(valid[schema])  # noqa: B023
                if "client_uuid" in body or schema in ("VisitCreate", "CaseCreate"):  # noqa: B023
                    body["client_uuid"] = new_uuid()
                body[field] = value
                send(method, concrete, role, body=body)  # noqa: B023
            body_case()
    print(f"hostile fuzz ({app.config['DB_BACKEND']}): {counts['requests']} requests, "
          f"{counts['5xx']} server errors")
    assert counts["requests"] >= 200
    assert failures == []
