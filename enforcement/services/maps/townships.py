"""Township boundaries for the live maps: one GeoJSON FeatureCollection (WGS84) with each
township's name and a label point; townships without an imported boundary are left out."""

from __future__ import annotations

from sqlalchemy import select

from enforcement.extensions import db
from enforcement.geo.exhibit import parse_boundary
from enforcement.models import Township


def _label_point(geom: dict, lat, lon) -> list[float]:
    if lat is not None and lon is not None:
        return [round(lon, 6), round(lat, 6)]
    # The middle of the largest ring's box: good enough to hang a name on.
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    ring = max((p[0] for p in polys), key=len)
    xs = [c[0] for c in ring]
    ys = [c[1] for c in ring]
    return [round((min(xs) + max(xs)) / 2, 6), round((min(ys) + max(ys)) / 2, 6)]


def boundaries() -> dict:
    rows = db.session.execute(
        select(
            Township.code,
            Township.name,
            Township.kind,
            Township.center_lat,
            Township.center_lon,
            Township.boundary,
        )
        .where(Township.boundary.is_not(None))
        .order_by(Township.id)
    ).all()
    features = []
    for code, name, kind, lat, lon, text in rows:
        geom = parse_boundary(text)
        if geom is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": code,
                "geometry": geom,
                "properties": {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "label": _label_point(geom, lat, lon),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def have_boundaries() -> bool:
    return (
        db.session.scalar(select(Township.id).where(Township.boundary.is_not(None)).limit(1))
        is not None
    )


def corners(boundary_text: str | None) -> list[tuple[float, float]]:
    """(lat, lon) of the corners of a boundary's box; [] without a usable boundary."""
    geom = parse_boundary(boundary_text)
    if geom is None:
        return []
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    lons = [c[0] for p in polys for c in p[0]]
    lats = [c[1] for p in polys for c in p[0]]
    return [(min(lats), min(lons)), (max(lats), max(lons))]
