"""Each enterprise's map summary (issue #21): written with every case snapshot in the same
transaction and equal to a rebuild from the stored cases; the desk map shows township names and
offers states in workflow order. That the pin says what the engine says over the site's open
cases for any day is a property of the engine (tests/workflow/test_site_pin.py)."""
from __future__ import annotations

from datetime import date

from support_app import NOW
from enforcement.extensions import db
from enforcement.models import Enterprise
from enforcement.services.casework import cases, site_summary
from enforcement.services.core.actor import SYSTEM
from enforcement.services.maps import mapdata

def _summary(enterprise_id):
    e = db.session.get(Enterprise, enterprise_id)
    return (e.map_state, e.map_severity, e.map_due_on, e.map_dues, e.map_actions)


def test_every_case_snapshot_moves_the_site_summary_in_its_transaction(
        app, writing, make_enterprise, make_case):
    e = make_enterprise()
    assert _summary(e.id) == (None, None, None, "", "")
    rectify = make_case("rectify", enterprise=e)
    first = _summary(e.id)
    assert first[0] == "rectify:ordered" and first[4] == "rectify" and first[2] is not None
    make_case("fine", enterprise=e)
    assert _summary(e.id)[4] == "fine,rectify"
    cases.apply_event(SYSTEM, rectify, {"type": "report_rectified", "on": "2026-10-08"}, now=NOW)
    db.session.commit()
    written = _summary(e.id)
    # A rebuild from the stored cases says the same as what the snapshots wrote.
    site_summary.rebuild([e.id])
    db.session.commit()
    db.session.expire_all()
    assert _summary(e.id) == written


def test_a_rolled_back_event_leaves_the_summary_as_it_was(app, writing, make_enterprise,
                                                          make_case):
    e = make_enterprise()
    rectify = make_case("rectify", enterprise=e)
    before = _summary(e.id)
    cases.apply_event(SYSTEM, rectify, {"type": "report_rectified", "on": "2026-10-08"}, now=NOW)
    db.session.flush()
    db.session.rollback()
    db.session.expire_all()
    assert _summary(e.id) == before


def test_the_map_box_reads_no_case_and_names_the_township(app, writing, make_township,
                                                          make_enterprise, make_case):
    from sqlalchemy import event

    t = make_township()
    e = make_enterprise(township=t.code)
    make_case("rectify", enterprise=e)
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)
    engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        body = mapdata.features(mapdata.MapQuery(bbox=(116.7, 39.9, 116.9, 40.0)),
                                date(2027, 1, 25))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert not any("enforcement_case" in s for s in statements)
    props = body["features"][0]["properties"]
    assert props["township_name"] == "燕郊镇" and props["township"] == "yanjiao"
    assert props["worst_state"] == "overdue" and props["overdue"] is True
    assert props["open_actions"] == ["rectify"]
    overdue_only = mapdata.features(mapdata.MapQuery(bbox=(116.7, 39.9, 116.9, 40.0),
                                                     overdue=True), date(2026, 10, 1))
    assert overdue_only["features"] == []


def test_the_state_filter_follows_the_workflow_order():
    states = mapdata.filter_states()
    # Actions in their order (close first), each action's states as its workflow runs.
    assert states[:5] == ["ordered", "executed", "verified", "monitoring", "closed"]
    assert "overdue" not in states and len(states) == len(set(states))
    assert states.index("plan_filed") < states.index("rectifying") < states.index("lifted")


def test_the_desk_map_lists_states_in_workflow_order(app, make_user, auth, client):
    make_user("rev", "reviewer")
    auth.login("rev")
    page = client.get("/desk/map").get_data(as_text=True)
    assert page.index('value="ordered"') < page.index('value="executed"') < page.index(
        'value="verified"') < page.index('value="closed"') < page.index('value="active"')


def test_the_database_writes_the_same_pins_as_python(app, writing, make_township,
                                                     make_enterprise, make_case):
    """The map box's features are built in SQL (enterprise_search.box_features); each equals
    the feature the Python path (EnterpriseRow.properties) builds, on every day."""
    import json

    from enforcement.geo.geojson import dumps
    from enforcement.services.maps import enterprise_search as es

    t = make_township()
    plain = make_enterprise(name="无案件企业", lat=39.955, lon=116.825)
    assert plain.id
    one = make_enterprise(name="整改企业", township=t.code, lat=39.9561234567, lon=116.8312345678)
    make_case("rectify", enterprise=one)
    two = make_enterprise(name="多案企业", lat=39.957, lon=116.832, credit_code=None)
    make_case("stop", enterprise=two)
    fine = make_case("fine", enterprise=two, served_on=date(2026, 10, 8))
    cases.apply_event(SYSTEM, fine, {"type": "notify", "on": "2026-10-09"}, now=NOW)
    db.session.commit()
    for day in (date(2026, 9, 1), date(2026, 10, 20), date(2026, 11, 25), date(2027, 6, 1)):
        q = es.EnterpriseQuery(as_of=day, bbox=(116.7, 39.9, 116.9, 40.0), limit=5000)
        texts = es.box_features(q).features
        built = [json.loads(f) for f in texts]
        rows = es.search(q).rows
        expected = [{"type": "Feature", "id": r.enterprise.id,
                     "geometry": {"type": "Point", "coordinates": [r.enterprise.lon, r.enterprise.lat]},
                     "properties": r.properties()} for r in rows]
        if db.session.get_bind().dialect.name == "postgresql":
            # Written by Python from plain columns: the very text the Python path's dumps writes.
            assert texts == [dumps(f) for f in expected], day
        assert len(built) == len(expected) == 3
        for got, want in zip(built, expected):
            for key in ("lat", "lon"):
                assert abs(got["properties"].pop(key) - want["properties"].pop(key)) < 1e-9
            g_xy, w_xy = got.pop("geometry")["coordinates"], want.pop("geometry")["coordinates"]
            assert all(abs(a - b) < 1e-9 for a, b in zip(g_xy, w_xy))
            assert got == want, day


def test_whole_coordinates_quotes_and_a_renamed_township_are_written_as_python_writes_them(
        app, writing, make_township, make_enterprise, make_case):
    """PostgreSQL sends the coordinates as text and the township by id (enterprise_search):
    a whole-number coordinate keeps repr's ".0", a name with quotes and a control character
    is escaped as json escapes it, and a township's new code shows at once."""
    import json

    from enforcement.geo.geojson import dumps
    from enforcement.models import Township
    from enforcement.services.maps import enterprise_search as es

    t = make_township()
    # A tab, a control character, a line separator and a character outside the BMP: the
    # stored pin (PostgreSQL's to_json) escapes exactly what Python's json does.
    whole = make_enterprise(name='"引号"\t企业\\\x01\u2028𠀋', township=t.code, lat=40.0,
                            lon=117.0)
    make_case("rectify", enterprise=whole)
    make_enterprise(name="无乡镇企业", lat=40.001, lon=117.001)
    db.session.commit()

    def check():
        q = es.EnterpriseQuery(as_of=date(2027, 1, 5), bbox=(116.9, 39.9, 117.1, 40.1),
                               limit=5000)
        texts = es.box_features(q).features
        expected = [{"type": "Feature", "id": r.enterprise.id,
                     "geometry": {"type": "Point",
                                  "coordinates": [r.enterprise.lon, r.enterprise.lat]},
                     "properties": r.properties()} for r in es.search(q).rows]
        if db.session.get_bind().dialect.name == "postgresql":
            assert texts == [dumps(f) for f in expected]
            assert '"coordinates":[117.0,40.0]' in texts[0]
        assert [json.loads(f)["properties"]["township"] for f in texts] == [
            f["properties"]["township"] for f in expected]
        return [json.loads(f)["properties"]["township"] for f in texts]

    assert check() == [t.code, None]
    db.session.get(Township, t.id).code = "renamed"
    db.session.commit()
    assert check() == ["renamed", None]
    # A township written by a plain statement bumps no generation: still its code, not an error.
    from sqlalchemy import text
    db.session.execute(text("INSERT INTO township (code, name, name_en, kind, aliases) "
                            "VALUES ('rawtown', '新镇', '', 'township', '')"))
    raw_id = db.session.scalar(text("SELECT id FROM township WHERE code = 'rawtown'"))
    db.session.execute(text("UPDATE enterprise SET township_id = :t WHERE name = '无乡镇企业'"),
                       {"t": raw_id})
    db.session.commit()
    assert check() == ["renamed", "rawtown"]


def test_a_site_changed_by_a_plain_statement_shows_changed_on_the_map(
        app, writing, make_enterprise):
    """PostgreSQL keeps each pin as text it generates from the row (models.map_pin), so a
    writer that knows nothing of the map (a bulk statement, a restore) cannot leave a stale
    pin; on SQLite the box reads the row itself."""
    import json

    from sqlalchemy import text

    from enforcement.services.maps import enterprise_search as es

    site = make_enterprise(name="旧名称塑料厂", lat=40.0, lon=117.0, address="旧地址")
    db.session.commit()
    db.session.execute(text("UPDATE enterprise SET name = '新名称塑料厂', address = '新地址', "
                            "lat = 40.0005, lon = 117.25, credit_code = NULL WHERE id = :i"),
                       {"i": site.id})
    db.session.commit()
    q = es.EnterpriseQuery(as_of=date(2026, 11, 25), bbox=(117.2, 39.9, 117.3, 40.1), limit=5000)
    (pin,) = [json.loads(f) for f in es.box_features(q).features]
    assert pin["geometry"]["coordinates"] == [117.25, 40.0005]
    assert (pin["properties"]["name"], pin["properties"]["address"]) == ("新名称塑料厂", "新地址")
    assert pin["properties"]["credit_code"] is None
    assert es.box_features(es.EnterpriseQuery(as_of=date(2026, 11, 25),
                                              bbox=(116.9, 39.9, 117.1, 40.1),
                                              limit=5000)).features == []
