"""The web's one transaction boundary (enforcement/web/boundary.py): a request that answers with a
success commits once, at the end; an error answer or an exception writes nothing; a record kept
on purpose through an error (``keep_on_error``) is the only thing that survives it; and no view
commits by itself."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import jsonify
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from support_app import NOW
from enforcement.errors import ValidationError
from enforcement.extensions import csrf, db
from enforcement.models import AuditEvent, Enterprise
from enforcement.services.core import audit
from enforcement.services.core.actor import SYSTEM
from enforcement.services.registry import enterprises
from enforcement.web import boundary

WEB = Path(__file__).resolve().parent.parent / "enforcement" / "web"


@pytest.fixture
def commits():
    """How many times a session committed while the test ran."""
    count = [0]

    def counted(_session):
        count[0] += 1

    event.listen(Session, "after_commit", counted)
    yield count
    event.remove(Session, "after_commit", counted)


@pytest.fixture
def probe(app):
    """Routes that write one enterprise, then answer as told."""

    def write(name: str) -> None:
        enterprises.create_enterprise(SYSTEM, {"name": name, "lat": 39.96, "lon": 116.83}, now=NOW)

    @app.post("/_probe/ok")
    def probe_ok():
        write("成功厂")
        return jsonify(ok=True), 201

    @app.post("/_probe/refused")
    def probe_refused():
        write("被拒厂")
        return jsonify(error="refused"), 422

    @app.post("/_probe/raises")
    def probe_raises():
        write("出错厂")
        raise RuntimeError("boom")

    @app.post("/_probe/domain-error")
    def probe_domain_error():
        write("校验厂")
        raise ValidationError("no", {"name": "no"})

    @app.post("/_probe/kept")
    def probe_kept():
        write("不留厂")
        boundary.keep_on_error(lambda: audit.record(SYSTEM, "probe.kept", "probe", 1, now=NOW))
        raise ValidationError("refused, but the refusal is kept", {"name": "no"})

    for view in (probe_ok, probe_refused, probe_raises, probe_domain_error, probe_kept):
        csrf.exempt(view)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def names() -> list[str]:
    return list(db.session.scalars(select(Enterprise.name).order_by(Enterprise.id)))


def test_a_success_commits_once_at_the_end(client, probe, commits):
    assert client.post("/_probe/ok").status_code == 201
    assert commits[0] == 1
    assert names() == ["成功厂"]


@pytest.mark.parametrize("path, status", [("/_probe/refused", 422), ("/_probe/raises", 500),
                                          ("/_probe/domain-error", 422)])
def test_an_error_answer_writes_nothing(client, probe, commits, path, status):
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert client.post(path).status_code == status
    assert commits[0] == 0
    assert names() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audits


def test_keep_on_error_keeps_only_its_own_record(client, probe, commits):
    assert client.post("/_probe/kept").status_code == 422
    assert commits[0] == 1
    assert names() == []
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "probe.kept"


def test_a_real_api_write_commits_once(client, make_user, api_token, commits):
    headers = api_token(make_user("zhangwei", "inspector"))
    before = commits[0]
    created = client.post("/api/v1/enterprises", headers=headers,
                          json={"name": "燕郊某铸造厂", "lat": 39.95, "lon": 116.82})
    assert created.status_code == 201, created.get_json()
    assert commits[0] - before == 1
    assert "燕郊某铸造厂" in names()


def test_no_view_commits_by_itself():
    """Only the boundary commits; its three named exceptions live in boundary.py."""
    offenders = [f"{path.name}:{n}" for path in sorted(WEB.glob("*.py")) if path.name != "boundary.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\.commit\(\)", line)]
    assert offenders == []
