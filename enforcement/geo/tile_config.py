"""Where base-map tiles come from: a small value with no folium behind it, so that web workers and
the evidence pack can name a tile layer without loading folium (and numpy) at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class TileConfig:
    """Where base-map tiles come from, from the app's configuration.

    ``url``: a Leaflet tile URL template with ``{z}``, ``{x}``, ``{y}`` (and
    optionally ``{s}``), absolute ``http(s)://`` or a path on our own server
    (``/tiles/{z}/{x}/{y}.png``); ``None`` means no tiles: the points are drawn
    on Leaflet's plain background, which works fully offline.
    ``attribution``: required with a URL (tile licences require it; folium
    refuses custom tiles without one). ``gcj02``: the tiles are drawn in
    GCJ-02 (AMap/Gaode, Tencent and most Chinese providers), so WGS84 points
    must be shifted before display; see ``LocalMap.display_location``.
    ``max_zoom``: the map's zoom limit, also applied with no tiles (Leaflet
    otherwise zooms without bound when there is no tile layer).
    """

    url: str | None = None
    attribution: str = ""
    gcj02: bool = False
    max_zoom: int = 18
    min_zoom: int = 0
    subdomains: str = "abc"

    def __post_init__(self):
        if isinstance(self.max_zoom, bool) or not isinstance(self.max_zoom, int):
            raise ValueError(f"max_zoom must be an integer, got {self.max_zoom!r}")
        if isinstance(self.min_zoom, bool) or not isinstance(self.min_zoom, int):
            raise ValueError(f"min_zoom must be an integer, got {self.min_zoom!r}")
        if not 0 <= self.min_zoom <= self.max_zoom <= 24:
            raise ValueError(
                f"zoom levels must satisfy 0 <= min_zoom <= max_zoom <= 24, "
                f"got min_zoom={self.min_zoom}, max_zoom={self.max_zoom}"
            )
        if self.url is None:
            return
        if not isinstance(self.url, str) or not self.url.strip():
            raise ValueError("tile url must be a non-empty string or None")
        missing = [p for p in ("{z}", "{x}", "{y}") if p not in self.url]
        if missing:
            raise ValueError(f"tile url must contain {', '.join(missing)}: {self.url!r}")
        parts = urlsplit(self.url)
        if parts.scheme:
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(
                    f"tile url must be http(s):// or a path on this server: {self.url!r}"
                )
        elif self.url.startswith("//"):
            # Protocol-relative URLs hide which host is contacted; spell it out.
            raise ValueError(f"tile url must not be protocol-relative: {self.url!r}")
        if not self.attribution or not self.attribution.strip():
            raise ValueError("tile attribution is required when a tile url is configured")
