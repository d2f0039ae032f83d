"""``flask --app run basemap ...``: import, check and (for the demo) draw the app's own basemap."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from .errors import ValidationError
from .extensions import db
from .geo.tiles import TileSetError, open_tileset
from .services.maps import basemap

basemap_cli = AppGroup("basemap", help="The basemap the app serves itself (MBTiles, PMTiles).")


def _in_locale(fn):
    """Messages in the bureau's language: gettext picks the locale per request, so the command
    runs inside a request context with no language cookie (the default, zh_CN)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with current_app.test_request_context():
            return fn(*args, **kwargs)

    return wrapper


def _describe(ts) -> str:
    b = ", ".join(f"{v:.4f}" for v in ts.bounds)
    return f"{ts.kind} {ts.format}, zoom {ts.min_zoom}–{ts.max_zoom}, bounds ({b})" + (
        f", {ts.attribution}" if ts.attribution else ""
    )


@basemap_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--name", default=None, help="Layer name in URLs (default: the file's name).")
@_in_locale
def import_command(file, name):
    """Validate an MBTiles or PMTiles raster file and serve it at /tiles/<name>/{z}/{x}/{y}."""
    try:
        target, ts = basemap.import_file(current_app.config, file, name)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(_("Basemap imported: %(path)s", path=target))
    click.echo(_describe(ts))


@basemap_cli.command("check")
@_in_locale
def check_command():
    """List the basemap files found (configured and imported) and whether each can be served."""
    found = basemap._files(current_app.config)
    if not found:
        click.echo(_("No basemap file: maps show the points on a plain background."))
    failed = False
    for name, _label, path in found:
        try:
            click.echo(f"{name}: {path}: {_describe(open_tileset(path))}")
        except TileSetError as exc:
            failed = True
            click.echo(f"{name}: {path}: {basemap.message(exc)}", err=True)
    if failed:
        raise SystemExit(1)


@basemap_cli.command("demo")
@click.option("--name", default="demo", show_default=True)
@click.option("--max-zoom", default=14, show_default=True, type=click.IntRange(8, 16))
@click.option("--if-missing", is_flag=True, help="Do nothing when a basemap file is there.")
@_in_locale
def demo_command(name, max_zoom, if_missing):
    """Draw a small basemap of the demo city's townships with Pillow and import it."""
    if if_missing and basemap._files(current_app.config):
        return
    from .geo.tilegen import demo_painter, townships_for_demo, write_mbtiles
    from .models import Township

    rows = db.session.execute(
        select(Township.name, Township.center_lat, Township.center_lon, Township.boundary)
    ).all()
    bbox = tuple(current_app.config["BUREAU_BBOX"])
    folder = current_app.config["BASEMAP_DIR"]
    os.makedirs(folder, exist_ok=True)
    source = os.path.join(folder, f".{name}-draft.mbtiles")
    n = write_mbtiles(
        source,
        bbox,
        range(8, max_zoom + 1),
        demo_painter(townships_for_demo(rows)),
        name=_("Demo city basemap"),
        attribution=_("Demo basemap drawn from the township list"),
    )
    try:
        target, ts = basemap.import_file(current_app.config, source, name)
    finally:
        os.remove(source)
    click.echo(_("Basemap imported: %(path)s", path=target) + f" ({n} tiles)")
