"""The web's one transaction boundary, and the three named ways a view may step outside it.

Services only flush. A request's changes are committed here, once, after the view answered with a
success (status < 400); an error answer, or an exception, rolls everything back. Views never call
``db.session.commit()`` themselves. The only exceptions are named below, each for a reason the
boundary cannot serve:

- :func:`keep_on_error`: a record that must survive the request's error answer (a refused
  submission kept for a reviewer, then a 4xx). The request's own work is rolled back first.
- :func:`commit_now`: the view must know the commit succeeded before it goes on (the photo
  upload deletes its stored files if the row did not make it), or must end the transaction
  before a slow step that must hold no database lock (decoding a photo).
- :func:`own_transaction`: a short write after the boundary has already run (a streamed
  export's audit event, written when the download finished).

CLI commands keep their own boundary (``enforcement/cli.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import Flask, Response, g, request

from ..extensions import db, write_intent

T = TypeVar("T")


def install(app: Flask) -> None:
    """Register the boundary on the app: write intent before, commit or roll back after."""

    def _mark_write_intent() -> None:
        # A request that may write starts its SQLite transaction as a writer (see extensions).
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g._write_token = write_intent.set(True)

    # First of all hooks: a hook before it (second factor, password change, unit officers) loads
    # the user, which begins the transaction; begun deferred, a POST's later write could not wait
    # for another writer and failed at once with "database is locked" (found by
    # tests/test_papers_issue.py's concurrent issues).
    app.before_request_funcs.setdefault(None, []).insert(0, _mark_write_intent)

    @app.after_request
    def _transaction_boundary(response: Response) -> Response:
        # Commit once on a success answer; any error answer rolls back. A commit that fails
        # raises into the generic 500 handler, which rolls back too.
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _reset_write_intent(_exc: BaseException | None) -> None:
        token = g.pop("_write_token", None)
        if token is not None:
            write_intent.reset(token)


def keep_on_error(write: Callable[[], T]) -> T:
    """Roll back the request's work, then write one record and commit it on its own, so that it is
    kept although the request goes on to answer an error (which the boundary rolls back)."""
    db.session.rollback()
    result = write()
    db.session.commit()
    return result


def commit_now() -> None:
    """Commit the request's work so far, before the boundary would. For a view that must know the
    commit succeeded before it goes on, or that must end its transaction (and its SQLite write
    lock) before a slow step. Say why at the call site."""
    db.session.commit()


@contextmanager
def own_transaction() -> Iterator[None]:
    """A short write transaction of its own, for a write made after the boundary has run (inside
    a streamed response): begins as a writer, commits on leaving, rolls back on an error."""
    db.session.rollback()
    token = write_intent.set(True)
    try:
        yield
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        write_intent.reset(token)
