"""Verify the audit chain, against the hashing alone (the same canonical bytes, SHA-256)."""
from __future__ import annotations

import hashlib
import time

from sqlalchemy import func, select

from enforcement.extensions import db
from enforcement.models import AuditEvent
from enforcement.services.core import audit


def run(report) -> None:
    count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    t0 = time.perf_counter()
    result = audit.verify()
    verify = time.perf_counter() - t0
    # Baseline: the bodies already in memory, just canonical JSON + SHA-256 down the chain.
    bodies = [audit._body(i, "2026-11-25T02:00:00.000000+00:00", None, "system", "x", "enterprise",
                          str(i), None, {"name": "三河市某某有限公司", "credit_code": None})
              for i in range(1, count + 1)]
    t0 = time.perf_counter()
    prev = audit.GENESIS
    for body in bodies:
        prev = hashlib.sha256(prev.encode() + audit.canonical(body)).hexdigest()
    hashing = time.perf_counter() - t0
    report.add("audit", f"verify a chain of {count:,} events",
               f"{verify:.1f} s ({'ok' if result.ok else 'BROKEN'}, {count / verify:,.0f} events/s)",
               f"hashing alone (canonical JSON + SHA-256 in memory): {hashing:.1f} s",
               verify / hashing, goal="< 10 s", met=verify < 10)
