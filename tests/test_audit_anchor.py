"""The audit anchor: a head (event count and hash) kept outside the database proves the chain was
neither cut short nor rewritten from the start, which the chain alone cannot show."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from support_app import NOW
from enforcement.extensions import db
from enforcement.services.core import audit
from enforcement.services.core.actor import SYSTEM


def _record(n: int, word: str) -> None:
    for i in range(n):
        audit.record(SYSTEM, "test.event", "thing", i, now=NOW, after={"n": i, "word": word})
    db.session.commit()


@pytest.fixture
def anchored(app, writing, tmp_path):
    """Five events, anchored by the CLI into a file kept 'elsewhere'."""
    _record(5, "original")
    path = tmp_path / "anchors.jsonl"
    result = app.test_cli_runner().invoke(args=["audit", "anchor", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _verify(app, path):
    return app.test_cli_runner().invoke(args=["audit", "verify", "--anchor", str(path)])


def test_the_anchor_command_writes_the_head_that_verify_reports(app, anchored):
    line = json.loads(anchored.read_text(encoding="utf-8").splitlines()[-1])
    report = audit.verify()
    assert (line["events"], line["head_hash"]) == (5, report.head_hash)
    result = _verify(app, anchored)
    assert result.exit_code == 0 and "5 events" in result.output


def test_a_chain_that_grew_after_the_anchor_still_verifies(app, anchored):
    _record(3, "later")
    assert _verify(app, anchored).exit_code == 0


def test_a_truncated_chain_verifies_alone_but_not_against_the_anchor(app, anchored):
    db.session.execute(text("DELETE FROM audit_event WHERE id > 3"))
    db.session.commit()
    assert audit.verify().ok  # the rows left agree with each other...
    result = _verify(app, anchored)
    assert result.exit_code == 1 and "truncated" in result.output


def test_a_chain_rewritten_from_the_start_is_caught_by_the_anchor(app, anchored):
    # The attacker replaces every event and recomputes every hash: the chain is consistent and
    # as long as before, so only the anchor's hash can tell.
    db.session.execute(text("DELETE FROM audit_event"))
    db.session.commit()
    _record(5, "forged")
    assert audit.verify().ok and audit.verify().events == 5
    assert "rewritten" in audit.check_anchor(5, json.loads(anchored.read_text())["head_hash"])
    result = _verify(app, anchored)
    assert result.exit_code == 1 and "rewritten" in result.output


def test_a_garbled_anchor_line_fails_loudly(app, anchored):
    with anchored.open("a", encoding="utf-8") as fh:
        fh.write("not json\n")
    result = _verify(app, anchored)
    assert result.exit_code == 1 and "not an anchor line" in result.output


def test_anchoring_refuses_a_broken_chain(app, anchored, tmp_path):
    db.session.execute(text("UPDATE audit_event SET action = 'test.forged' WHERE id = 2"))
    db.session.commit()
    other = tmp_path / "other.jsonl"
    result = app.test_cli_runner().invoke(args=["audit", "anchor", str(other)])
    assert result.exit_code == 1 and not other.exists()
