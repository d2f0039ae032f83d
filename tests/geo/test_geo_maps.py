"""folium maps must reference no outside host except a configured tile URL."""

import copy
import re
from pathlib import Path

import folium
import folium.folium
import pytest
from folium.plugins import MarkerCluster

from enforcement.geo import (
    LocalMap,
    LocalMarkerCluster,
    TileConfig,
    build_map,
    vendor_css,
    vendor_js,
    wgs_to_gcj,
)

REPO = Path(__file__).resolve().parents[2]
TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"

# Anything that makes a browser contact another host: absolute http(s) URLs
# and protocol-relative ones in attributes or CSS url().
ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)
PROTOCOL_RELATIVE = re.compile(r"""(?:src|href)\s*=\s*["']?//|url\(\s*["']?//""", re.IGNORECASE)
LINKS = re.compile(r"""<(?:script|link)\b[^>]*?(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _populated(tiles, **kwargs):
    """A map using what the app uses: markers in a cluster, circle markers,
    popups (jQuery) and tooltips."""
    m = build_map((39.9, 116.4), 12, tiles, **kwargs)
    cluster = LocalMarkerCluster(name="enterprises").add_to(m)
    for i in range(3):
        lat, lon = m.display_location(39.9 + i * 0.01, 116.4)
        folium.Marker([lat, lon], popup=folium.Popup("<b>企业</b>"), tooltip="t").add_to(cluster)
    folium.CircleMarker(m.display_location(39.95, 116.45), radius=6, popup="visit").add_to(m)
    return m


def _render(m):
    return m.get_root().render()


def test_no_tiles_means_no_outside_reference_at_all():
    html = _render(_populated(TileConfig(url=None)))
    assert ABSOLUTE.findall(html) == []
    assert PROTOCOL_RELATIVE.findall(html) == []
    assert "L.tileLayer" not in html


def test_only_the_configured_tile_url_is_absolute():
    html = _render(_populated(TileConfig(url=TILE_URL, attribution="© example")))
    # Remove the one configured URL; nothing absolute may remain.
    assert html.count(TILE_URL) == 1
    rest = html.replace(TILE_URL, "")
    assert ABSOLUTE.findall(rest) == []
    assert PROTOCOL_RELATIVE.findall(rest) == []
    assert "L.tileLayer" in html


def test_links_are_local_vendored_files_that_exist():
    html = _render(_populated(TileConfig(url=None)))
    links = LINKS.findall(html)
    assert links, "expected script/link tags"
    assert all(u.startswith("/static/vendor/") for u in links), links
    assert set(links) == set(vendor_js(cluster=True)) | set(vendor_css(cluster=True))
    for url in links:
        path = REPO / "static" / "vendor" / url[len("/static/vendor/"):]
        assert path.is_file(), f"{url} is referenced but {path} was not vendored"
    # Leaflet's CSS finds its marker images beside itself.
    assert (REPO / "static/vendor/leaflet/images/marker-icon.png").is_file()


def test_keeps_jquery_drops_bootstrap_fontawesome_awesome_markers():
    html = _render(_populated(TileConfig(url=None))).lower()
    assert "jquery/jquery.min.js" in html
    for gone in ("bootstrap", "fontawesome", "font-awesome", "awesome-markers", "awesome.rotate"):
        assert gone not in html
    # jQuery must come before the inline script that calls $(...).
    assert html.index("jquery.min.js") < html.index("$(`")


def test_scripts_load_in_dependency_order():
    html = _render(_populated(TileConfig(url=None)))
    links = LINKS.findall(html)
    js = [u for u in links if u.endswith(".js")]
    assert js.index("/static/vendor/leaflet/leaflet.js") < js.index(
        "/static/vendor/leaflet.markercluster/leaflet.markercluster.js"
    )


def test_custom_static_prefix_reaches_map_and_cluster():
    m = _populated(TileConfig(url=None), static_prefix="/app/static/vendor")
    links = LINKS.findall(_render(m))
    assert links and all(u.startswith("/app/static/vendor/") for u in links), links
    assert "/app/static/vendor/leaflet.markercluster/MarkerCluster.css" in links
    # ...without changing the class defaults for other maps.
    links2 = LINKS.findall(_render(_populated(TileConfig(url=None))))
    assert all(u.startswith("/static/vendor/") for u in links2)


def test_folium_shared_lists_are_not_mutated():
    before = (
        copy.deepcopy(folium.folium._default_js),
        copy.deepcopy(folium.folium._default_css),
        copy.deepcopy(MarkerCluster.default_js),
        copy.deepcopy(MarkerCluster.default_css),
    )
    _render(_populated(TileConfig(url=None), static_prefix="/x/"))
    after = (
        folium.folium._default_js,
        folium.folium._default_css,
        MarkerCluster.default_js,
        MarkerCluster.default_css,
    )
    assert before == after
    assert LocalMap.default_js is not folium.Map.default_js
    assert LocalMarkerCluster.default_css is not MarkerCluster.default_css


def test_zoom_bounded_even_without_tiles():
    html = _render(build_map((39.9, 116.4), 30, TileConfig(url=None, max_zoom=17)))
    assert '"maxZoom": 17' in html
    assert '"zoom": 17' in html  # requested zoom clamped


def test_gcj02_tiles_shift_centre_and_points():
    tiles = TileConfig(url=TILE_URL, attribution="© example", gcj02=True)
    m = build_map((39.9, 116.4), 12, tiles)
    assert m.location == pytest.approx(list(wgs_to_gcj(39.9, 116.4)))
    assert m.display_location(39.9, 116.4) == pytest.approx(list(wgs_to_gcj(39.9, 116.4)))
    plain = build_map((39.9, 116.4), 12, TileConfig(url=TILE_URL, attribution="© example"))
    assert plain.location == [39.9, 116.4]
    assert plain.display_location(39.9, 116.4) == [39.9, 116.4]


def test_local_map_defaults_to_no_tiles():
    html = LocalMap([39.9, 116.4]).get_root().render()
    assert ABSOLUTE.findall(html) == []


def test_self_hosted_tile_path_is_allowed():
    html = _render(build_map((39.9, 116.4), 12, TileConfig(url="/tiles/{z}/{x}/{y}.png", attribution="© x")))
    assert ABSOLUTE.findall(html) == []
    assert "/tiles/{z}/{x}/{y}.png" in html


@pytest.mark.parametrize(
    "kwargs",
    [
        {"url": TILE_URL},  # no attribution
        {"url": "https://tiles.example.org/tile.png", "attribution": "x"},  # no {z}/{x}/{y}
        {"url": "//tiles.example.org/{z}/{x}/{y}.png", "attribution": "x"},
        {"url": "ftp://tiles.example.org/{z}/{x}/{y}.png", "attribution": "x"},
        {"url": "", "attribution": "x"},
        {"max_zoom": 30},
        {"min_zoom": 5, "max_zoom": 4},
        {"max_zoom": "18"},
    ],
)
def test_tile_config_validation(kwargs):
    with pytest.raises(ValueError):
        TileConfig(**kwargs)


def test_build_map_validates_centre():
    with pytest.raises(ValueError):
        build_map((116.4, 39.9 + 100), 12, TileConfig())
    with pytest.raises(TypeError):
        build_map((39.9, 116.4), 12, None)
