"""Issue #17: what an officer may do at a site is known before the form is filled (finding 3), a
draw's assignment gives the drawn officer the right to act on that firm, and every refusal a
person reads comes from the catalogue in the interface language (finding 5)."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from support_app import NOW, PASSWORD, new_uuid
from enforcement.extensions import db

ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{3,}(?:[\s,:;'()-]+[A-Za-z]{2,}){2,}")


def _city(make_township, make_user, make_enterprise):
    yanjiao = make_township("yanjiao", "燕郊镇", "Yanjiao")
    make_township("gucheng", "古城镇", "Gucheng")
    me = make_user("zhangwei", "inspector", township_code="yanjiao")
    make_user("liuyang", "inspector", township_code="yanjiao")
    mine = make_enterprise(name="本镇塑料厂", township="yanjiao")
    other = make_enterprise(name="古城镇铸造厂", lat=39.90, lon=116.70, township="gucheng")
    return me, mine, other, yanjiao


def _order(enterprise_id: int) -> dict:
    return {"enterprise_id": enterprise_id, "action": "rectify", "served_on": "2026-11-20",
            "violation": "未批先建", "legal_basis": "《环境影响评价法》第三十一条",
            "rectify_days": 30, "client_uuid": new_uuid()}


def _login(client, username):
    from support_app import Auth
    assert Auth(client).login(username, PASSWORD).status_code == 302


def test_the_serve_form_says_at_the_top_that_an_outsider_cannot_serve(
        app, client, make_township, make_user, make_enterprise):
    me, mine, other, _ = _city(make_township, make_user, make_enterprise)
    _login(client, "zhangwei")
    page = client.get(f"/m/serve?enterprise_id={other.id}").get_data(as_text=True)
    assert 'id="rights"' in page and "您不能在此作出决定" in page and "古城镇" in page
    assert 'id="serve-form"' not in page  # nothing to fill in and lose at the last tap
    own = client.get(f"/m/serve?enterprise_id={mine.id}").get_data(as_text=True)
    assert "本乡镇企业" in own and 'id="serve-form"' in own
    visit = client.get(f"/m/enterprises/{other.id}/visit").get_data(as_text=True)
    assert 'data-may-serve="0"' in visit and "非本乡镇企业" in visit


def test_a_draw_assignment_gives_the_drawn_officer_the_right_to_serve(
        app, client, make_township, make_user, make_enterprise, api_token):
    from enforcement.models import Draw
    me, mine, other, _ = _city(make_township, make_user, make_enterprise)
    headers = api_token(me)
    refused = client.post("/api/v1/cases", json=_order(other.id), headers=headers)
    assert refused.status_code == 403
    db.session.add(Draw(seed="s", period="2026-Q4", quotas={"A": 1}, created_on=date(2026, 11, 2),
                        result={"assignments": [{"enterprise_id": other.id, "risk_class": "A",
                                                 "inspectors": ["zhangwei", "liuyang"]}]}))
    db.session.commit()
    served = client.post("/api/v1/cases", json=_order(other.id), headers=headers)
    assert served.status_code == 201, served.get_json()
    _login(client, "zhangwei")
    page = client.get(f"/m/serve?enterprise_id={other.id}").get_data(as_text=True)
    assert "双随机抽查（2026-Q4）已将该企业分配给您" in page
    near = client.get("/m/find/near.json?lat=39.93&lon=116.76&radius_m=20000").get_json()["items"]
    assert {i["name"]: i["may_serve"] for i in near} == {"本镇塑料厂": True, "古城镇铸造厂": True}


def test_a_refused_order_is_kept_for_a_reviewer_and_says_why_in_chinese(
        app, client, make_township, make_user, make_enterprise, api_token):
    from enforcement.models import Conflict
    me, mine, other, _ = _city(make_township, make_user, make_enterprise)
    response = client.post("/api/v1/cases", json=_order(other.id), headers=api_token(me))
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "outside_township"
    assert "本乡镇" in error["message"] and not ENGLISH_SENTENCE.search(error["message"])
    kept = db.session.scalar(select(func.count()).select_from(Conflict)
                             .where(Conflict.code == "outside_township"))
    assert kept == 1


def test_refusals_read_in_chinese_with_amounts_in_yuan(app):
    from enforcement.errors import ImpossibleTransition
    from enforcement.web import messages
    with app.test_request_context("/"):
        assert messages.field_text("amount_fen", "must not exceed max_amount_fen (10000000)") \
            == "不得超过法定最高金额 ¥100,000 元"
        assert messages.field_text("credit_code", "check character is wrong (expected W)") == "校验码错误（应为 W）"
        assert messages.field_text("inspectors", "at least two officers must be named") == "至少须有两名执法人员"
        assert messages.field_text("x", "some sentence nobody translated") == "请检查此项。"
        exc = ImpossibleTransition("a close case in state 'executed' cannot take 'execute'",
                                   allowed=["verify"], state="executed", action="close", event="execute")
        said = messages.error_text(exc)
        assert "不能记录" in said and not ENGLISH_SENTENCE.search(said), said
        stored = messages.say("a close case in state 'executed' cannot take 'execute'; allowed now: verify",
                              "impossible_transition")
        assert stored == said


def test_the_login_page_and_the_403_page_are_chinese(app, client, make_township, make_user):
    make_township("yanjiao", "燕郊镇", "Yanjiao")
    make_user("zhangwei", "inspector", township_code="yanjiao")
    to_login = client.get("/m/worklist").headers["Location"]
    page = client.get(to_login).get_data(as_text=True)
    assert "请先登录后再访问此页面" in page and "Please log in" not in page
    _login(client, "zhangwei")
    forbidden = client.get("/desk/")
    text = forbidden.get_data(as_text=True)
    assert forbidden.status_code == 403 and "您的角色无权打开此页面" in text


def test_the_case_page_shows_the_visit_its_photo_fix_and_officers(
        app, client, make_township, make_user, make_enterprise, api_token):
    """Finding 6: the reviewer reads the evidence on the case page itself."""
    import io
    from PIL import Image
    me, mine, other, _ = _city(make_township, make_user, make_enterprise)
    make_user("reviewer", "reviewer")
    headers = api_token(me)
    visit = client.post("/api/v1/visits", headers=headers, json={
        "client_uuid": new_uuid(), "enterprise_id": mine.id, "visited_at": "2026-11-20T10:00:00+08:00",
        "lat": 39.9601, "lon": 116.8302, "accuracy_m": 8, "purpose": "routine", "findings": "废水直排",
        "inspectors": ["zhangwei", "liuyang"]}).get_json()
    jpeg = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(jpeg, "JPEG")
    photo = client.post(f"/api/v1/visits/{visit['id']}/photos", headers=headers,
                        data={"file": (io.BytesIO(jpeg.getvalue()), "p.jpg"), "client_uuid": new_uuid()},
                        content_type="multipart/form-data").get_json()
    case = client.post("/api/v1/cases", headers=headers,
                       json={**_order(mine.id), "visit_id": visit["id"]}).get_json()
    _login(client, "reviewer")
    page = client.get(f"/cases/{case['id']}").get_data(as_text=True)
    block = page[page.index('id="evidence"'):]
    assert f'/api/v1/photos/{photo["id"]}?size=thumb' in block and f'href="/api/v1/photos/{photo["id"]}"' in block
    assert "liuyang" in block and "zhangwei" in block and "±8" in block and "发现违法行为" in block
    assert "39.960100, 116.830200" in block


def test_papers_have_no_double_full_stop_and_no_stray_space(app, client, make_user, make_case):
    """Finding 10: a violation typed with its own full stop does not print "。。"."""
    import re as _re
    make_user("rev", "reviewer")
    _login(client, "rev")
    for action, kind in (("rectify", "rectification_order"), ("close", "closure_decision")):
        case = make_case(action=action, served_on=date(2026, 9, 28), violation="废水未经处理直排。")
        page = client.get(f"/papers/case/{case.id}/{kind}").get_data(as_text=True)
        assert "直排。" in page and "。。" not in page and "的规定。。" not in page
        assert not _re.search(r"本局责令你单位\s+于", page)


def test_search_pages_ranks_by_distance_and_finds_a_partial_credit_code(
        app, client, make_township, make_user, make_enterprise):
    """Finding 7."""
    make_township("yanjiao", "燕郊镇", "Yanjiao")
    make_user("zhangwei", "inspector", township_code="yanjiao")
    for i in range(25):
        make_enterprise(name=f"塑料厂{i:02d}", lat=39.96 + i * 0.001, lon=116.83, township="yanjiao")
    make_enterprise(name="某化工厂", credit_code="91110000600037341L", township="yanjiao")
    _login(client, "zhangwei")
    first = client.get("/m/find?q=塑料厂").get_data(as_text=True)
    assert first.count('class="task"') == 20 and 'id="more-results"' in first
    more = client.get("/m/find?q=塑料厂&offset=20").get_data(as_text=True)
    assert more.count('class="task"') == 5 and 'id="more-results"' not in more
    near = client.get("/m/find?q=塑料厂&lat=39.984&lon=116.83").get_data(as_text=True)
    names = re.findall(r'<div class="title-line">(塑料厂\d\d)</div>', near)
    assert names[:2] == ["塑料厂24", "塑料厂23"] and "米" in near
    partial = client.get("/m/find?q=600037341").get_data(as_text=True)
    assert "某化工厂" in partial


def test_a_closure_is_public_after_a_reviewer_publishes_it_or_after_the_delay(
        app, client, make_user, make_case, writing):
    """Finding 12 (双公示): no order on the public page the minute it is served."""
    from datetime import timedelta
    from enforcement.services.core.actor import Actor
    from enforcement.services.desk import review
    from enforcement.services.lists import lists
    reviewer = make_user("rev", "reviewer")
    served = date(2026, 11, 28)
    first = make_case(action="close", served_on=served)
    second = make_case(action="close", served_on=served)

    def public(day):
        return {r["case_id"] for r in lists.page("disclosure", lists.Filters(day))["items"]}
    assert not {first.id, second.id} & public(served)
    review.disclose(Actor.of(reviewer), first, on=date(2026, 11, 29), now=NOW)
    db.session.commit()
    assert first.id in public(date(2026, 11, 29)) and second.id not in public(date(2026, 11, 29))
    assert second.id in public(served + timedelta(days=7))  # nobody reviewed it: by itself
    app.config["DISCLOSURE_DELAY_DAYS"] = None
    assert second.id not in public(served + timedelta(days=70))
