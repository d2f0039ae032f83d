"""Polygons from GeoJSON (Polygon / MultiPolygon, WGS84 [lon, lat]): point-in-polygon by ray
casting, the bounding box and a representative centre. Plain Python, no GEOS: township
boundaries have a few thousand vertices and the test is linear in them."""

from __future__ import annotations

import json

POLYGON_TYPES = ("Polygon", "MultiPolygon")


def polygons_of(geometry: dict) -> list[list[list[list[float]]]]:
    """The geometry as a list of polygons (each a list of rings of [lon, lat])."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"not a polygon: {kind}")


def _in_ring(lat: float, lon: float, ring) -> bool:
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


class Area:
    """One or more polygons (holes respected) with a bounding box for a cheap first test."""

    def __init__(self, geometries: list[dict]):
        self.polygons = [p for g in geometries for p in polygons_of(g)]
        lons = [pt[0] for p in self.polygons for pt in p[0]]
        lats = [pt[1] for p in self.polygons for pt in p[0]]
        self.bbox = (min(lons), min(lats), max(lons), max(lats)) if lons else None

    @classmethod
    def from_json(cls, *texts: str | None) -> "Area":
        return cls([json.loads(t) for t in texts if t])

    def contains(self, lat: float, lon: float) -> bool:
        if self.bbox is None:
            return False
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
            return False
        for rings in self.polygons:
            if (
                rings
                and _in_ring(lat, lon, rings[0])
                and not any(_in_ring(lat, lon, hole) for hole in rings[1:])
            ):
                return True
        return False

    def centre(self) -> tuple[float, float] | None:
        """(lat, lon): the vertex mean of the largest outer ring, or its box centre if that
        falls outside (a crescent-shaped township)."""
        if not self.polygons:
            return None
        ring = max((p[0] for p in self.polygons), key=len)
        lat = sum(pt[1] for pt in ring) / len(ring)
        lon = sum(pt[0] for pt in ring) / len(ring)
        if self.contains(lat, lon):
            return lat, lon
        lons, lats = [pt[0] for pt in ring], [pt[1] for pt in ring]
        return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


class BoxArea:
    """The old rectangle (``BUREAU_BBOX``), for a bureau without boundaries."""

    def __init__(self, bbox):
        self.bbox = tuple(bbox)

    def contains(self, lat: float, lon: float) -> bool:
        min_lon, min_lat, max_lon, max_lat = self.bbox
        return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
