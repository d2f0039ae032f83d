"""Where the app's own basemap files are, and a per-process cache of the opened files.

Configuration (a mapping): ``BASEMAPS`` lists named files (a relative ``file`` is looked up in
``BASEMAP_DIR``); every ``*.mbtiles`` / ``*.pmtiles`` in ``BASEMAP_DIR`` (where
``flask basemap import`` puts them) is found too, named after the file. Shared by the live
maps (services/maps) and the evidence pack's map exhibit (services/papers), which may not
import each other.
"""

from __future__ import annotations

import os
import threading

from .tiles import TileSet, TileSetError, open_tileset

_open: dict[str, tuple[float, TileSet]] = {}
_lock = threading.Lock()


def basemap_dir(config) -> str:
    return config["BASEMAP_DIR"]  # set from the instance folder by create_app when empty


def basemap_files(config) -> list[tuple[str, str, str]]:
    """(name, label, path) of every local tile file, configured ones first."""
    folder = basemap_dir(config)
    found, seen = [], set()
    for item in config.get("BASEMAPS") or ():
        path = item["file"] if os.path.isabs(item["file"]) else os.path.join(folder, item["file"])
        found.append((item["name"], item.get("label") or item["name"], path))
        seen.add(os.path.abspath(path))
    if os.path.isdir(folder):
        for entry in sorted(os.listdir(folder)):
            stem, ext = os.path.splitext(entry)
            path = os.path.join(folder, entry)
            if (
                ext in (".mbtiles", ".pmtiles")
                and not stem.startswith(".")
                and os.path.abspath(path) not in seen
                and stem not in {n for n, _, _ in found}
            ):
                found.append((stem, stem, path))
    return found


def tileset(path: str) -> TileSet:
    """The opened file, reopened when it changes on disk (a new import)."""
    mtime = os.path.getmtime(path)
    hit = _open.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    with _lock:
        opened = open_tileset(path)
        _open[path] = (mtime, opened)
        return opened


def first_local(config) -> tuple[str, TileSet] | None:
    """(name, opened file) of the first basemap file that opens, or None."""
    for name, _label, path in basemap_files(config):
        try:
            return name, tileset(path)
        except (OSError, TileSetError):
            continue
    return None
