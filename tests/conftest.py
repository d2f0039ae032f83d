"""Fixtures that read like the domain: ``app`` (on SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set), ``client``, ``auth.login("inspector")`` and factories that return
callables (``make_case(action="stop", served_on=...)``)."""
from __future__ import annotations

import contextvars
import os
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import text

from flask.testing import FlaskClient

from enforcement import create_app
from support_app import NOW, PASSWORD, Auth
from enforcement.extensions import db, write_intent

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])

if os.environ.get("MUTATION_MAX_EXAMPLES"):
    # A mutation run (`make mutants`, `make mutants-guards`) only asks whether a property fails:
    # no shrinking (a failing property shrank for minutes, and mutmut counted it a timeout) and
    # no example database. Loaded before any test module builds its settings from it.
    from hypothesis import Phase, settings

    settings.register_profile(
        "mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate], database=None
    )
    settings.load_profile("mutation")


@pytest.fixture(autouse=True)
def _fresh_calendar_tables_under_a_mutant():
    """In a mutation run (mutmut, scripts/recheck_survivors.py) the calendar's tables, kept per
    process once built, are built again for each test: mutmut fills them in the process it forks
    its workers from, so a mutant of the code that builds them would never run; and the recheck
    script runs every mutant in one process, so one mutant's tables would be read under the next."""
    if os.environ.get("MUTANT_UNDER_TEST"):
        from enforcement.workflow import calendar
        calendar._official_cache = None
        calendar._statutory_cache.clear()
    yield


def pytest_addoption(parser):
    parser.addoption("--storage", choices=("local", "s3"),
                     default=os.environ.get("TEST_STORAGE", "local"),
                     help="file storage for the app fixture: local folder (default) or S3 "
                          "against a local moto server (also TEST_STORAGE=s3)")


@pytest.fixture(scope="session")
def s3_server():
    """A local S3 server (moto's server mode) for the whole session."""
    from servers import MotoS3Server
    with MotoS3Server() as server:
        yield server


@pytest.fixture
def storage_config(request):
    """Settings of the app's file storage: the tmp folder, or a fresh bucket on the local S3
    server when the suite runs with --storage=s3."""
    if request.config.getoption("--storage") != "s3":
        return {}
    server = request.getfixturevalue("s3_server")
    bucket = "t-" + uuid.uuid4().hex[:20]
    server.create_bucket(bucket)
    return server.config(bucket)


def _pg_url(worker: str) -> tuple[str, str]:
    base = os.environ["TEST_DATABASE_URL"]
    schema = "t_" + re.sub(r"\W", "_", worker)
    sep = "&" if "?" in base else "?"
    return base + f"{sep}options=-csearch_path%3D{schema}", schema


@pytest.fixture(scope="session")
def worker_id_safe(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def pg_schema(worker_id_safe):
    """One PostgreSQL schema per test worker, created fresh for the session."""
    if "postgresql" not in BACKENDS:
        yield None
        return
    import sqlalchemy as sa
    url, schema = _pg_url(worker_id_safe)
    engine = sa.create_engine(os.environ["TEST_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    yield url
    engine = sa.create_engine(os.environ["TEST_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


_created: set[str] = set()


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, pg_schema, storage_config):
    if request.param == "postgresql":
        url = pg_schema
    else:
        url = f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
        "LOGIN_RATE_LIMIT": "1000 per minute", "RATELIMIT_ENABLED": True,
        "PHOTO_DIR": str(tmp_path / "photos"), "INSTANCE_PATH": str(tmp_path),
        "BASEMAP_DIR": str(tmp_path / "basemaps"),
        "AS_OF_OVERRIDE": "2026-11-25", **storage_config,
    })
    app.config["DB_BACKEND"] = request.param
    with app.app_context():
        if request.param == "sqlite" or url not in _created:
            db.create_all()
            _created.add(url)
        yield app
        db.session.remove()
        if request.param == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                # The workers' cache generations (services.core.stamps) are rows, not schema.
                from enforcement.models.stamp import CacheStamp, initial_rows
                conn.execute(CacheStamp.__table__.insert(), initial_rows())
        db.engine.dispose()


class Client(FlaskClient):
    """Each request runs in its own context, as in production: its own ``g``, its own database
    session. (Inside the fixture's app context Flask would otherwise reuse both.) Afterwards the
    test's session is rolled back so its next read sees what the request committed."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.rollback()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def writing():
    """Unit-of-work marker for tests that call services directly (like a POST request)."""
    token = write_intent.set(True)
    yield
    write_intent.reset(token)


@pytest.fixture
def server_without_heic(monkeypatch):
    """A server without the optional pillow-heif (not in requirements.txt; the test set has it):
    importing it fails there, as where it is not installed."""
    import sys
    monkeypatch.setitem(sys.modules, "pillow_heif", None)


# ---------------------------------------------------------------- factories


@pytest.fixture
def make_township(app):
    from enforcement.models import Township

    def make(code="yanjiao", name="燕郊镇", name_en="Yanjiao"):
        t = Township(code=code, name=name, name_en=name_en, kind="township",
                     center_lat=39.95, center_lon=116.82)
        db.session.add(t)
        db.session.flush()
        return t
    return make


@pytest.fixture
def make_user(app):
    from enforcement.services.people import users
    from enforcement.services.core.actor import SYSTEM

    def make(username="insp1", role="inspector", township_code=None, password=PASSWORD):
        user = users.create_user(SYSTEM, username=username, role=role, password=password,
                                 now=NOW, township_code=township_code)
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_enterprise(app):
    from enforcement.services.registry import enterprises
    from enforcement.services.core.actor import SYSTEM

    def make(name="三河市某塑料加工厂", lat=39.96, lon=116.83, **extra):
        e = enterprises.create_enterprise(SYSTEM, {"name": name, "lat": lat, "lon": lon, **extra},
                                          now=NOW)
        db.session.commit()
        return e
    return make


@pytest.fixture
def make_case(app, make_enterprise):
    from enforcement.services.casework import cases
    from enforcement.services.core.actor import SYSTEM

    def make(action="rectify", served_on=date(2026, 9, 28), enterprise=None, **params):
        enterprise = enterprise or make_enterprise()
        data = {"enterprise_id": enterprise.id, "action": action, "served_on": served_on,
                "violation": "排污口标志不规范", "legal_basis": "《水污染防治法》第二十二条",
                **params}
        result = cases.open_case(SYSTEM, data, now=NOW)
        db.session.commit()
        return result.case
    return make


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def api_token(app):
    from enforcement import clock
    from enforcement.services.people import users
    from enforcement.services.core.actor import SYSTEM

    def make(user):
        # The app checks a token against its own clock (enforcement/clock.py), so it is minted
        # on that clock, never on one the test reads itself.
        token, _ = users.mint_token(SYSTEM, user, now=clock.utcnow(), hours=1)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}
    return make


