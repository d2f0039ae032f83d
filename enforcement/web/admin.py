"""Placeholder blueprint: filled by its issue's work."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__)
