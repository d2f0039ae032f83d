"""Per-worker caches (issue #21): a worker keeps who a token is and the calendar, and any change
to them, made by any worker, is seen at the very next request: a revoked token stops working at
once, a new quiet day counts at once."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete

from support_app import NOW
from enforcement import create_app
from enforcement.extensions import db, write_intent
from enforcement.models import ApiToken, HolidayDay
from enforcement.services.calendar import calendars, quiet_days
from enforcement.services.core.actor import SYSTEM, Actor
from enforcement.services.people import users

URL = "/api/v1/enterprises?bbox=116.8,39.9,116.9,40.0"


def _other_worker(app):
    """A second app on the same database: another gunicorn worker, with its own caches."""
    return create_app({k: app.config[k] for k in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "INSTANCE_PATH", "PHOTO_DIR",
        "BASEMAP_DIR", "AS_OF_OVERRIDE")})


def test_a_revoked_token_stops_working_at_once_on_every_worker(app, client, make_user):
    reviewer = make_user("rev", "reviewer")
    # The token lives longer than any wall clock this test runs at.
    raw, record = users.mint_token(SYSTEM, reviewer, now=NOW, hours=24 * 365 * 50)
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(URL, headers=headers).status_code == 200
    assert client.get(URL, headers=headers).status_code == 200  # from this worker's cache
    other = _other_worker(app)
    with other.app_context():
        token = write_intent.set(True)
        try:
            users.revoke_token(SYSTEM, db.session.get(ApiToken, record.id), now=NOW)
            db.session.commit()
        finally:
            write_intent.reset(token)
        db.session.remove()
        db.engine.dispose()
    assert client.get(URL, headers=headers).status_code == 401


def test_a_deactivated_account_loses_its_cached_token_at_once(app, client, make_user):
    admin = make_user("boss", "admin")
    reviewer = make_user("rev", "reviewer")
    raw, _ = users.mint_token(SYSTEM, reviewer, now=NOW, hours=24 * 365 * 50)
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(URL, headers=headers).status_code == 200
    token = write_intent.set(True)
    try:
        users.set_active(Actor.of(admin), reviewer, False, now=NOW)
        db.session.commit()
    finally:
        write_intent.reset(token)
    assert client.get(URL, headers=headers).status_code == 401


def test_an_expired_token_is_refused_though_cached(app, make_user):
    reviewer = make_user("rev", "reviewer")
    raw, record = users.mint_token(SYSTEM, reviewer, now=NOW, hours=1)
    db.session.commit()
    assert users.actor_for_token(raw, now=NOW).id == reviewer.id
    from enforcement.errors import Unauthorized
    try:
        users.actor_for_token(raw, now=NOW + timedelta(hours=2))
    except Unauthorized:
        pass
    else:
        raise AssertionError("an expired token was accepted from the cache")


def test_the_calendar_is_kept_until_a_quiet_day_or_a_holiday_year_changes(app, writing,
                                                                           make_user):
    first = calendars.load_calendar()
    assert calendars.load_calendar() is first  # kept by this worker
    day = date(2026, 12, 16)
    reviewer = make_user("rev", "reviewer")
    quiet_days.declare(Actor.of(reviewer), {"on": day.isoformat(), "reason": "宁静日"}, now=NOW,
                       today=date(2026, 11, 25))
    db.session.commit()
    second = calendars.load_calendar()
    assert second is not first and second.is_quiet_day(day, None)
    # A bulk statement bumps the generation too.
    db.session.execute(delete(HolidayDay).where(HolidayDay.year == 2099))
    db.session.commit()
    assert calendars.load_calendar() is not second


def test_nothing_is_cached_without_the_generations(app, writing):
    from enforcement.models import CacheStamp
    db.session.execute(delete(CacheStamp))
    db.session.commit()
    assert calendars.load_calendar() is not calendars.load_calendar()
    # Put them back for the next test on this database.
    from enforcement.models.stamp import initial_rows
    db.session.execute(CacheStamp.__table__.insert(), initial_rows())
    db.session.commit()


def _visit_body(enterprise, names):
    from support_app import new_uuid
    return {"client_uuid": new_uuid(), "enterprise_id": enterprise.id,
            "visited_at": "2026-11-20T10:00:00+08:00", "lat": enterprise.lat,
            "lon": enterprise.lon, "accuracy_m": 5, "purpose": "routine", "unannounced": True,
            "inspectors": names, "findings": "正常"}


def test_an_officer_deactivated_on_another_worker_is_refused_on_the_next_visit(
        app, client, make_user, make_enterprise, api_token):
    headers = api_token(make_user("zhangwei", "inspector"))
    partner = make_user("liuyang", "inspector")
    site = make_enterprise()
    for _ in range(2):  # the second names officers this worker now keeps
        answer = client.post("/api/v1/visits", json=_visit_body(site, ["liuyang"]), headers=headers)
        assert answer.status_code == 201 and answer.get_json()["inspectors"] == ["liuyang", "zhangwei"]
    other = _other_worker(app)
    with other.app_context():
        token = write_intent.set(True)
        try:
            users.set_active(SYSTEM, db.session.get(type(partner), partner.id), False, now=NOW)
            db.session.commit()
        finally:
            write_intent.reset(token)
        db.session.remove()
        db.engine.dispose()
    answer = client.post("/api/v1/visits", json=_visit_body(site, ["liuyang"]), headers=headers)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"]["inspectors"] == "deactivated: liuyang"


def test_a_kept_officer_carries_no_secret_and_reads_the_rest_from_the_database(
        app, writing, make_user):
    from enforcement.models import User
    from enforcement.services.core import stamps
    from enforcement.services.field import visits
    make_user("zhangwei", "inspector")
    (loaded,) = visits._users_named({"zhangwei"})
    hash_ = loaded.password_hash
    db.session.rollback()
    db.session.expunge_all()
    kept = stamps.cached("auth")[("officer", "zhangwei")]
    assert "password_hash" not in kept and "totp_secret" not in kept
    (again,) = visits._users_named({"zhangwei"})  # from the cache: no query for the officer
    assert "password_hash" not in again.__dict__  # not kept, so not held...
    assert again.password_hash == hash_  # ...but read when asked for
    assert db.session.get(User, again.id) is again  # the session's one instance


def test_a_transaction_that_changes_users_caches_nothing_under_its_new_generation(
        app, writing, make_user):
    from enforcement.services.core import stamps
    user = make_user("zhangwei", "inspector")
    assert stamps.cached("auth") is not None
    user.display_name = "张伟"
    db.session.flush()  # bumps the generation, uncommitted
    assert stamps.cached("auth") is None  # its number is nobody's until the commit
    db.session.rollback()  # and a rollback hands it to the next change
    assert stamps.cached("auth") is not None
