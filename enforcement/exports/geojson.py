"""A list as a GeoJSON FeatureCollection at each enterprise's location (streamed)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..geo import feature, iter_feature_collection


def iter_geojson(rows: Iterable[dict], **foreign_members) -> Iterator[bytes]:
    def features():
        for row in rows:
            lat, lon = row.get("lat"), row.get("lon")
            props = {k: v for k, v in row.items() if k not in ("lat", "lon")}
            yield feature(
                (lon, lat) if lat is not None and lon is not None else None,
                props,
                id=row.get("followup_id") or row.get("case_id"),
            )

    for text in iter_feature_collection(features(), foreign_members or None):
        yield text.encode("utf-8")
