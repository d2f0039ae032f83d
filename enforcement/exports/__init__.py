"""Exports of the enforcement lists: CSV (UTF-8 with BOM), XLSX (constant memory), GeoJSON and
the printable page's columns. Each writer takes an iterator of rows and yields bytes or text,
so a download starts at the first batch and never holds the list in memory."""

from .columns import Column, columns_for
from .csv import iter_csv
from .geojson import iter_geojson
from .xlsx import iter_xlsx

__all__ = ["Column", "columns_for", "iter_csv", "iter_geojson", "iter_xlsx"]
