"""Command line for operators and scripts (API.md): ``flask --app run <command>``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from typing import overload

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import select

from .clock import bureau_today, utcnow
from .errors import DomainError
from .extensions import db, write_intent
from .models import User
from .services.core import audit
from .services.casework import cases
from .services.people import users
from .services.core.actor import SYSTEM


def _writes(fn):
    """Run a command as one unit of work: commit at the end, roll back and exit 1 on an error."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        token = write_intent.set(True)
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
            return result
        except DomainError as exc:
            db.session.rollback()
            detail = "".join(f"\n  {k}: {v}" for k, v in exc.fields.items())
            raise click.ClickException(exc.message + detail) from exc
        finally:
            write_intent.reset(token)

    return wrapper


@overload
def _date(value: str) -> date: ...
@overload
def _date(value: None) -> None: ...
def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("expected YYYY-MM-DD") from None


@click.command("init-db")
def init_db():
    """Create or upgrade the schema (Alembic migrations); safe to run twice."""
    upgrade()
    click.echo(f"database ready: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("demo-data")
@click.option("--enterprises", default=2000, show_default=True, help="how many enterprises")
@click.option("--seed", default=20261125, show_default=True, help="random seed (reproducible)")
@click.option("--as-of", "as_of", default=None, help="the demo's 'today' (YYYY-MM-DD)")
@click.option("--if-empty", is_flag=True, help="do nothing when the database has users")
@click.option("--branches", is_flag=True, help="a city bureau with three branches (分局)")
@_writes
def demo_data(
    enterprises: int, seed: int, as_of: str | None, if_empty: bool, branches: bool = False
):
    """Load the demo city: townships, enterprises, users, visits, complaints and cases."""
    from .demo import ACCOUNTS, TOWNSHIP_OF, generate

    if db.session.scalar(select(User.id).limit(1)) is not None:
        if if_empty:
            click.echo("demo data already loaded: nothing to do")
            return
        raise click.ClickException(
            "the database already has data: the demo city goes into an "
            "empty database (use --if-empty to skip quietly)"
        )
    today = _date(as_of) or bureau_today(current_app.config["BUREAU_TIMEZONE"])
    stats = generate(
        enterprises=enterprises, seed=seed, as_of=today, now=utcnow(), progress=sys.stderr.isatty()
    )
    from . import demo_oversight  # units, tasks, 督查, 问责 and branches (issue 20)
    import random

    stats.update(
        demo_oversight.generate(random.Random(seed), as_of=today, now=utcnow(), branches=branches)
    )
    db.session.commit()
    from .extensions import refresh_statistics

    refresh_statistics()
    click.echo("demo city loaded: " + ", ".join(f"{k} {v}" for k, v in stats.items()))
    click.echo("demo accounts (username / password / role / township):")
    for username, password, role in ACCOUNTS + demo_oversight.unit_accounts():
        click.echo(f"  {username:<12} {password:<18} {role:<10} {TOWNSHIP_OF.get(username) or '-'}")
    click.echo(
        "inspectors serve orders only in their own township, or at a firm a draw assigned them"
    )


users_cli = AppGroup("users", help="Manage users.")


@users_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["inspector", "reviewer", "admin"]), required=True)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.option("--township", default=None, help="township code (inspectors)")
@click.option("--display-name", default="")
@_writes
def users_create(name, role, password_stdin, township, display_name):
    """Add a user."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    user = users.create_user(
        SYSTEM,
        username=name,
        role=role,
        password=password,
        now=utcnow(),
        display_name=display_name,
        township_code=township,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
    )
    click.echo(f"created {user.username} ({user.role})")


@users_cli.command("token")
@click.argument("name")
@_writes
def users_token(name):
    """Print a bearer token for that user (on the last line)."""
    user = db.session.scalar(select(User).where(User.username == name))
    if user is None or not user.is_active_account:
        raise click.ClickException(f"no active user {name!r}")
    token, record = users.mint_token(
        SYSTEM, user, now=utcnow(), label="cli", hours=current_app.config["API_TOKEN_HOURS"]
    )
    click.echo(f"expires {record.expires_at.isoformat()}")
    click.echo(token)


audit_cli = AppGroup("audit", help="The audit chain.")


@audit_cli.command("verify")
@click.option(
    "--anchor",
    "anchor_file",
    type=click.File("r"),
    default=None,
    help="also check the heads recorded by `audit anchor` in this file",
)
def audit_verify(anchor_file):
    """Check the audit hash chain; exit 1 naming the first bad event."""
    report = audit.verify()
    if not report.ok:
        click.echo(
            f"audit chain BROKEN at event {report.first_bad}: {report.reason} "
            f"({report.events} events verified before it)",
            err=True,
        )
        sys.exit(1)
    if anchor_file is not None:
        for number, line in enumerate(anchor_file, 1):
            if not line.strip():
                continue
            try:
                anchor = json.loads(line)
                problem = audit.check_anchor(int(anchor["events"]), str(anchor["head_hash"]))
            except (ValueError, KeyError, TypeError):
                problem = "not an anchor line"
            if problem:
                click.echo(f"audit chain BROKEN: anchor line {number}: {problem}", err=True)
                sys.exit(1)
    click.echo(f"audit chain ok: {report.events} events, head {report.head_hash}")


@audit_cli.command("anchor")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def audit_anchor(file):
    """Append today's chain head (event count and hash) to FILE, kept outside the database
    (another machine, a printed register): a truncated chain no longer matches it."""
    report = audit.verify()
    if not report.ok:
        click.echo(f"audit chain BROKEN at event {report.first_bad}: not anchoring", err=True)
        sys.exit(1)
    line = json.dumps(
        {
            "at": utcnow().isoformat(timespec="seconds"),
            "events": report.events,
            "head_hash": report.head_hash,
        }
    )
    with open(file, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    click.echo(line)


holidays_cli = AppGroup("holidays", help="Official holiday data for years chinese-calendar lacks.")


@holidays_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@_writes
def holidays_import(file):
    """Add or replace a year's official holidays and adjusted working days."""
    from .services.calendar.calendars import import_holidays

    schedule = import_holidays(SYSTEM, file.read(), now=utcnow())
    click.echo(
        f"{schedule.year}: {len(schedule.holidays)} holidays, "
        f"{len(schedule.workdays)} adjusted working days imported; "
        "run `flask --app run recompute` to update open deadlines"
    )


@click.command("recompute")
@click.option(
    "--as-of", "as_of", default=None, help="also apply time-triggered events due by this date"
)
@_writes
def recompute(as_of):
    """Recompute open deadlines and follow-ups after a calendar or configuration change."""
    now = utcnow()
    counts = cases.recompute(SYSTEM, now=now)
    click.echo(
        f"recomputed {counts['cases']} open cases, {counts['changed']} changed, "
        f"{counts['refused']} refused by today's rules (see the audit trail)"
    )
    if as_of:
        opened = cases.tick(SYSTEM, as_of=_date(as_of), now=now)
        click.echo(f"time-triggered events applied; {len(opened)} cases opened by escalation")


@click.command("daily")
@click.option("--as-of", "as_of", default=None, help="the bureau day to run for (default: today)")
@click.option("--no-send", is_flag=True, help="write reminders but send nothing now")
def daily(as_of, no_send):
    """The daily run: time-driven transitions, reminders (bell, email, group robots), the audit
    anchor and the holiday-data warning. Idempotent: safe twice a day and after missed days."""
    now = utcnow()
    # A training instance pins its "today" (AS_OF_OVERRIDE) for the daily run too.
    day = (
        _date(as_of)
        or _date(current_app.config.get("AS_OF_OVERRIDE") or None)
        or bureau_today(current_app.config["BUREAU_TIMEZONE"], now)
    )
    if not run_daily(day, now, send=not no_send, clock=utcnow):
        sys.exit(1)


def run_daily(day: date, now: datetime, *, send: bool = True, clock=None, echo=click.echo) -> bool:
    """One daily run as a unit of work, then (after its commit) the sending, each outcome
    committed on its own, and the audit anchor. False when the audit chain is broken."""
    import logging

    from .services.notify import channels, daily as daily_service

    clock = clock or (lambda: now)
    config = current_app.config
    token = write_intent.set(True)
    try:
        result = daily_service.run(SYSTEM, as_of=day, now=now, config=config)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    finally:
        write_intent.reset(token)
    echo(
        f"{day}: {len(result.opened)} cases opened by escalation, "
        f"{result.notifications} reminders, {result.deliveries} deliveries planned"
    )
    for warning in result.warnings:
        echo("WARNING: " + warning, err=True)
    if send:
        sent = failed = 0
        for delivery_id in channels.due(config):
            token = write_intent.set(True)
            try:
                delivery = db.session.get_one(channels.Delivery, delivery_id)
                ok = channels.attempt(delivery, config=config, now=clock())
                db.session.commit()
            finally:
                write_intent.reset(token)
            sent, failed = sent + ok, failed + (not ok)
        echo(f"deliveries: {sent} sent, {failed} failed (retried at the next run)")
    anchor = config.get("AUDIT_ANCHOR_FILE") or os.path.join(
        current_app.instance_path, "audit-anchor.jsonl"
    )
    try:
        line = daily_service.append_anchor(anchor, now=clock())
    except RuntimeError as exc:
        logging.getLogger("enforcement.daily").error(str(exc))
        echo(f"audit chain BROKEN: {exc}", err=True)
        return False
    echo(f"audit anchor: {'appended to ' + anchor if line else 'unchanged'}")
    return True


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False))
def backup(directory):
    """Back up the database (SQLite online backup, or pg_dump on PostgreSQL) and every kept
    file into DIRECTORY (new or empty), with a manifest; restore: README, Deployment."""
    from .backup import run_backup
    from .services.core.storage import file_storage

    try:
        manifest = run_backup(directory, storage=file_storage(), now=utcnow())
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"backup in {directory}: {manifest['database']}, {len(manifest['files'])} files, "
        f"audit chain {manifest['audit']['events']} events "
        f"({'ok' if manifest['audit']['ok'] else 'BROKEN'})"
    )


@click.command("draw")
@click.option("--period", required=True, help="e.g. 2026-Q4")
@click.option("--quota", "quotas", multiple=True, required=True, help="RISK=N, e.g. A=5")
@click.option("--seed", required=True, help="the seed published before the draw")
@click.option("--township", default=None, help="township code (default: the whole bureau)")
@_writes
def draw(period, quotas, seed, township):
    """双随机: draw enterprises by risk-class quota and a random inspector pair for each."""
    from .services.field.draws import run_draw

    parsed = {}
    for item in quotas:
        risk, _, number = item.partition("=")
        if risk not in ("A", "B", "C") or not number.isdigit():
            raise click.BadParameter(f"{item!r}: expected A=N, B=N or C=N")
        parsed[risk] = int(number)
    record = run_draw(
        SYSTEM,
        period=period,
        quotas=parsed,
        seed=seed,
        now=utcnow(),
        on=bureau_today(current_app.config["BUREAU_TIMEZONE"]),
        township_code=township,
    )
    for item in record.result["assignments"]:
        click.echo(
            f"{item['risk_class']}  enterprise {item['enterprise_id']:>7}  "
            f"{' + '.join(item['inspectors'])}"
        )
    if record.result["shortfall"]:
        click.echo(f"shortfall: {record.result['shortfall']}")
    click.echo(f"draw {record.id} stored (seed {seed!r})")


def register(app: Flask) -> None:
    for command in (init_db, demo_data, recompute, draw, daily, backup):
        app.cli.add_command(command)
    for group in (users_cli, audit_cli, holidays_cli):
        app.cli.add_command(group)
    from .cli_enterprises import enterprises_cli, townships_cli

    app.cli.add_command(enterprises_cli)
    app.cli.add_command(townships_cli)
    from .cli_basemap import basemap_cli
    from .cli_branches import branches_cli

    app.cli.add_command(basemap_cli)
    app.cli.add_command(branches_cli)
