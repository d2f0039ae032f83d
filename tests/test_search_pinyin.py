"""Issue #17 item 7: enterprises are found by the pinyin of their name, by initials ("yjsl" finds
燕郊塑料厂) or in full ("yanjiao"), on the phone and through the API. The pinyin is stored when
the name is written (enforcement.pinyin, with pypinyin), never computed per row at search time."""
from __future__ import annotations

from sqlalchemy import select

from support_app import NOW
from enforcement.extensions import db
from enforcement.models import Enterprise
from enforcement.pinyin import query_key, searchable
from enforcement.services.core.actor import SYSTEM
from enforcement.services.registry import enterprises


def test_keys_hold_full_pinyin_initials_and_other_readings_of_heteronyms():
    keys = searchable("燕郊塑料厂").split()
    assert keys[:2] == ["yanjiaosuliaochang", "yjslc"]
    # 长 is zhang or chang: both initials are kept, whichever reading the dictionary chose
    initials = searchable("三河市长城铸造厂").split()
    assert any("sccz" in k for k in initials) and any("szcz" in k for k in initials)
    assert searchable("ABC化工（三河）有限公司").split()[1] == "abchgshyxgs"
    assert searchable("") == ""


def test_only_ascii_letters_are_pinyin_queries():
    assert query_key(" YJSL ") == "yjsl" and query_key("yan jiao") == "yanjiao"
    assert query_key("燕郊") is None and query_key("y") is None and query_key("1234") is None
    assert query_key("a%b") is None


def test_the_phone_finds_by_initials_and_full_pinyin(client, make_township, make_user,
                                                     make_enterprise, auth):
    make_township("yanjiao", "燕郊镇", "Yanjiao")
    make_user("zhangwei", "inspector", township_code="yanjiao")
    make_enterprise(name="燕郊塑料厂", township="yanjiao")
    make_enterprise(name="高楼铸造厂", township="yanjiao")
    auth.login("zhangwei")
    for q in ("yjsl", "YJSLC", "yanjiao", "suliao"):
        page = client.get(f"/m/find?q={q}").get_data(as_text=True)
        assert "燕郊塑料厂" in page and "高楼铸造厂" not in page, q
    assert "燕郊塑料厂" not in client.get("/m/find?q=yjslx").get_data(as_text=True)
    # LIKE wildcards typed by the officer are text, not patterns
    assert "燕郊塑料厂" not in client.get("/m/find?q=y_sl").get_data(as_text=True)


def test_the_api_finds_by_initials(client, make_user, make_enterprise, api_token):
    make_enterprise(name="燕郊塑料厂")
    make_enterprise(name="高楼铸造厂")
    headers = api_token(make_user("rev", "reviewer"))
    found = client.get("/api/v1/enterprises?q=glzz", headers=headers).get_json()
    assert [f["properties"]["name"] for f in found["features"]] == ["高楼铸造厂"]


def test_a_renamed_enterprise_is_found_by_its_new_name(app, make_enterprise, writing):
    e = make_enterprise(name="燕郊塑料厂")
    enterprises.update_enterprise(SYSTEM, e, {"name": "燕郊铸造厂"}, now=NOW)
    db.session.commit()
    stored = db.session.scalar(select(Enterprise.name_pinyin).where(Enterprise.id == e.id))
    assert stored.split()[:2] == ["yanjiaozhuzaochang", "yjzzc"]
