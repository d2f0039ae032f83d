"""``flask --app run enterprises import FILE``: the registry import for large files."""

from __future__ import annotations

import os
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from .clock import utcnow
from .services.registry import imports
from .services.core.actor import SYSTEM

enterprises_cli = AppGroup("enterprises", help="The enterprise registry.")


@enterprises_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--township-default", default=None, help="township code for rows without one")
@click.option("--gcj02", is_flag=True, help="the coordinates are GCJ-02 (Gaode/Tencent maps)")
@click.option(
    "--rejected",
    "rejected_path",
    default=None,
    help="where to write the rejected rows (default: FILE.rejected.xlsx)",
)
@click.option("--dry-run", is_flag=True, help="analyse and report, change nothing")
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help='JSON column mapping: {"header": "field", ...} or '
    '{"columns": {...}, "coordinates": "gcj02"}; remembered for the '
    "import page too",
)
def import_file(file, township_default, gcj02, rejected_path, dry_run, mapping_path):
    """Import or update enterprises from a CSV or XLSX registry (Chinese headers, any order).

    The columns are mapped as last chosen on the import page for the same headers, else by the
    usual header names. Good rows are imported in one transaction; rejected rows are written
    with their reasons to a spreadsheet.
    """
    from .cli import _writes
    from .services.registry import townships

    @_writes
    def run():
        started = time.perf_counter()
        with open(file, "rb") as handle:
            data = handle.read()
        # Rows stream from the file through the analysis into the database a chunk at a time:
        # memory stays flat however long the register (only held rows are kept, for the
        # spreadsheet of reasons).
        lines = imports.count_lines(data)
        table = imports.open_table(data, os.path.basename(file))
        mapping = imports.mapping_for(table.headers)
        if mapping_path:
            import json

            with open(mapping_path, encoding="utf-8-sig") as handle:
                mapping = imports.mapping_from_json(json.load(handle), table.headers)
            if not dry_run:
                imports.remember_mapping(
                    SYSTEM, table.headers, mapping.columns, mapping.coordinates, now=utcnow()
                )
        if gcj02:
            mapping.coordinates = "gcj02"
        click.echo(
            f"about {lines} rows; columns: "
            + ", ".join(f"{h}→{f}" for h, f in zip(table.headers, mapping.columns) if f)
            + (" (remembered mapping)" if mapping.remembered else "")
        )
        config = current_app.config
        counts = dict.fromkeys(imports.STATUSES, 0)
        held: list = []
        updates: list = []
        awaiting = 0
        now = utcnow()
        with click.progressbar(length=lines, label="importing", file=sys.stderr) as bar:
            for chunk in imports.analyse_chunks(
                table,
                mapping,
                area=townships.bureau_area(config),
                township_default=township_default,
                chunk=5000,
            ):
                for row in chunk:
                    counts[row.status] += 1
                    awaiting += row.awaiting_location
                    if row.status in ("rejected", "conflict"):
                        held.append(row)
                    elif row.status == "update" and len(updates) < 20:
                        updates.append(row)
                if not dry_run:
                    imports.apply_rows(SYSTEM, chunk, table.filename, now=now)
                bar.update(len(chunk))
        if not dry_run:
            imports.finish(SYSTEM, table.filename, counts, awaiting, now=now)
        if held:
            target = rejected_path or os.path.splitext(file)[0] + ".rejected.xlsx"
            with open(target, "wb") as out:
                out.write(imports.held_xlsx(table.headers, held))
            click.echo(f"rejected rows and their reasons: {target}")
        for row in updates:
            click.echo(
                f"  line {row.line}: enterprise {row.enterprise_id} "
                + ", ".join(f"{k} {old!r} → {new!r}" for k, (old, new) in row.changes.items())
            )
        verb = "would import" if dry_run else "imported"
        click.echo(
            f"{verb}: {counts['new']} new, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged, {counts['conflict']} conflicts, "
            f"{counts['rejected']} rejected in {time.perf_counter() - started:.1f} s"
        )
        if awaiting:
            click.echo(f"{awaiting} new sites wait for a location")
        if dry_run:
            from .extensions import db

            db.session.rollback()

    run()
    if not dry_run:
        from .extensions import refresh_statistics

        refresh_statistics()  # a large import changes what the planner should expect


townships_cli = AppGroup("townships", help="Townships, parks and their boundaries.")


@townships_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--gcj02", is_flag=True, help="the boundary coordinates are GCJ-02")
def import_townships(file, gcj02):
    """Create or update townships from the statistics bureau's code list (CSV: code,name, with
    or without a header) or a GeoJSON FeatureCollection of boundary polygons (properties
    ``code`` and ``name``). Running it again with the same file changes nothing."""
    from .cli import _writes
    from .services.registry import townships

    @_writes
    def run():
        with open(file, "rb") as handle:
            entries = townships.read_entries(handle.read(), os.path.basename(file), gcj02=gcj02)
        result = townships.import_townships(SYSTEM, entries, now=utcnow())
        counts = result.counts
        click.echo(
            f"townships: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )

    run()


@townships_cli.command("list")
def list_townships():
    """Every township with its code, statistics code, aliases and whether it has a boundary."""
    from sqlalchemy import select
    from .extensions import db
    from .models import Township

    for t in db.session.scalars(select(Township).order_by(Township.code)):
        aliases = ", ".join((t.aliases or "").split())
        click.echo(
            f"{t.code}\t{t.stat_code or ''}\t{t.name}\t{'boundary' if t.boundary else ''}"
            f"\t{aliases}"
        )
