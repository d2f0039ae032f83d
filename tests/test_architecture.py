"""The service packages form layers: a package imports only from the layers below it, so a
newcomer can read the house from the ground up (docs/architecture.md)."""
from __future__ import annotations

import ast
from pathlib import Path

import enforcement

SERVICES = Path(enforcement.__file__).parent / "services"

#: Lower layers first; a package may import from its own layer's packages only when listed
#: before it, and never from a later layer.
LAYERS: list[list[str]] = [
    ["core"],
    ["calendar"],
    ["registry"],
    ["casework"],
    ["tally"],
    ["field", "maps", "lists", "papers", "people"],
    ["desk"],
    ["oversight"],
    ["notify"],
]
RANK = {pkg: i for i, layer in enumerate(LAYERS) for pkg in layer}


def _imported_service_packages(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[:2] == ["enforcement", "services"] and len(parts) > 2:
                found.add(parts[2])
    return found


def test_every_service_module_lives_in_a_known_package():
    loose = [p.name for p in SERVICES.glob("*.py") if p.name != "__init__.py"]
    assert loose == [], f"service modules outside a domain package: {loose}"
    assert {p.name for p in SERVICES.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(RANK)


def test_service_packages_import_only_downward():
    upward = []
    for pkg, rank in RANK.items():
        for path in (SERVICES / pkg).glob("*.py"):
            for other in _imported_service_packages(path):
                if other != pkg and RANK[other] >= rank:
                    upward.append(f"{pkg}/{path.name} imports services.{other}")
    assert upward == []


def test_every_service_package_says_what_it_owns():
    for pkg in RANK:
        doc = ast.get_docstring(ast.parse((SERVICES / pkg / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 30, pkg
