"""Maps the app serves itself: basemap tiles, township boundaries, the phone's offline download
plan, and a case's map exhibit. Thin views over services/maps and services/papers.

Tiles: ``/tiles/<layer>/<z>/<x>/<y>`` (and ``/tiles/<z>/<x>/<y>`` for the first layer), for
every officer. A tile that is not in the file answers 204 at once (Leaflet then shows nothing
there, no broken image); an unknown layer 404. Tiles carry an ETag and may be kept a day.
"""

from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..services.field import inspector_views as views
from ..services.desk import dashboard
from ..services.maps import basemap, townships
from ..services.papers import map_exhibit, papers
from ..services.core.actor import Actor
from .context import today

bp = Blueprint("maps", __name__)

TILE_MAX_AGE = 24 * 3600


def layer_dicts() -> list[dict]:
    """The layers a live map offers (static/js/basemap.js reads them from data-layers)."""
    return [layer.as_dict() for layer in basemap.layers(current_app.config)]


def basemap_text() -> dict:
    return {
        "missing": _("This area is not downloaded for offline use: only the points show."),
        "boundaries": _("Township boundaries"),
        "size": _("Your worklist area: {n} map tiles, {mb} MB (limit {budget} MB)."),
        "dropped": _("The closest zoom levels ({z}) are left out to stay within the limit."),
        "done": _("Already on this phone."),
        "progress": _("Downloading the map: {done} of {n} tiles…"),
        "finished": _("Map downloaded: {n} tiles, {mb} MB. It shows without signal."),
        "partial": _("{n} tiles could not be downloaded: try again with signal."),
        "none": _("No basemap file is installed on the server: nothing to download."),
        "failed": _("Could not reach the server to plan the download."),
        "unsupported": _("This browser cannot keep maps offline."),
    }


def map_attrs() -> dict:
    """data-* attributes of a live map element for static/js/basemap.js."""
    import json

    return {
        "data-layers": json.dumps(layer_dicts(), ensure_ascii=False),
        "data-townships-url": url_for("maps.township_boundaries"),
        "data-basemap-text": json.dumps(basemap_text(), ensure_ascii=False),
    }


def _tile(tileset, z: int, x: int, y: int) -> Response:
    etag = f'"{int(os.path.getmtime(tileset.path))}-{z}-{x}-{y}"'
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers={"ETag": etag})
    data = tileset.get(z, x, y)
    if data is None:
        # Nothing there (outside the file's area or zoom levels): empty, quickly, cacheable.
        return Response(status=204, headers={"Cache-Control": f"private, max-age={TILE_MAX_AGE}"})
    return Response(
        data,
        mimetype=tileset.media_type,
        headers={"Cache-Control": f"private, max-age={TILE_MAX_AGE}", "ETag": etag},
    )


@bp.route("/tiles/<layer>/<int:z>/<int:x>/<int:y>")
@login_required
def tile(layer: str, z: int, x: int, y: int):
    tileset = basemap.find_local(current_app.config, layer)
    if tileset is None:
        return Response(status=404)
    return _tile(tileset, z, x, y)


@bp.route("/tiles/<int:z>/<int:x>/<int:y>")
@login_required
def default_tile(z: int, x: int, y: int):
    tileset = basemap.find_local(current_app.config, None)
    if tileset is None:
        return Response(status=404)
    return _tile(tileset, z, x, y)


@bp.route("/maps/townships.json")
@login_required
def township_boundaries():
    response = jsonify(townships.boundaries())
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/m/basemap/plan.json")
@login_required
def offline_plan():
    """What the phone downloads for offline work: the tiles around the inspector's worklist
    sites (or his township / the bureau's centre when the list is empty), with their size."""
    as_of = today()
    rows = views.worklist(dashboard.inspector_summary(current_user.id, as_of), as_of)
    points = [
        (r["lat"], r["lon"]) for r in rows if r.get("lat") is not None and r.get("lon") is not None
    ]
    town = getattr(current_user, "township", None)
    if town is not None and town.center_lat is not None:
        points.append((town.center_lat, town.center_lon))  # his own township's centre always
    if not points:
        points = [tuple(current_app.config["MAP_CENTER"])]
    plan = basemap.offline_plan(
        current_app.config,
        points,
        name=request.args.get("layer"),
        area_points=townships.corners(town.boundary) if town else (),
    )
    response = jsonify(plan)
    response.headers["Cache-Control"] = "no-store"
    return response


def _case_map_parts(case_id: int) -> tuple[str, str]:
    case = papers.get_case_for(Actor.of(current_user), case_id)
    return map_exhibit.page_parts(
        case,
        current_app.config,
        current_app.config["BUREAU_TIMEZONE"],
        url_for("static", filename="vendor/"),
        url_for(".case_map_script", case_id=case_id),
    )


@bp.route("/cases/<int:case_id>/map")
@login_required
def case_map(case_id: int):
    """The case's map exhibit as a page (the same folium map as in the evidence pack); folium's
    inline script is served from case_map_script, as the CSP runs no inline script. Its
    generated <style> elements are the one place inline styles are allowed (security.py)."""
    page, _script = _case_map_parts(case_id)
    g.csp = current_app.extensions["folium_csp"]
    return Response(page, mimetype="text/html")


@bp.route("/cases/<int:case_id>/map.js")
@login_required
def case_map_script(case_id: int):
    _page, script = _case_map_parts(case_id)
    return Response(script, mimetype="text/javascript", headers={"Cache-Control": "no-store"})
