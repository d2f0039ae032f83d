"""``flask --app run branches ...``: a city bureau's branches (分局), its townships and officers."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .clock import utcnow
from .services.core.actor import SYSTEM

branches_cli = AppGroup("branches", help="Branches (分局) of a city bureau.")


def _writes(fn):
    from .cli import _writes as writes

    return writes(fn)


@branches_cli.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--prefix", default="", help="paper number prefix of the branch")
@_writes
def add(code, name, prefix):
    """Add a branch."""
    from .services.oversight.branches import create_branch

    branch = create_branch(
        SYSTEM, {"code": code, "name": name, "paper_prefix": prefix}, now=utcnow()
    )
    click.echo(f"branch {branch.code} added")


@branches_cli.command("township")
@click.argument("township")
@click.argument("branch")
@_writes
def township(township, branch):
    """Place a township in a branch."""
    from .services.oversight.branches import place_township

    place_township(SYSTEM, township, branch, now=utcnow())
    click.echo(f"township {township} is in branch {branch}")


@branches_cli.command("officer")
@click.argument("username")
@click.argument("branch", required=False)
@_writes
def officer(username, branch):
    """Place an officer in a branch (no branch: city staff)."""
    from .services.oversight.branches import place_officer

    place_officer(SYSTEM, username, branch, now=utcnow())
    click.echo(f"{username} acts within {'branch ' + branch if branch else 'the whole city'}")
