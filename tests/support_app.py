"""Names the tests share (imported by conftest and test modules; a module, not conftest, so that
other conftest files in subfolders cannot shadow it)."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
PASSWORD = "correct-horse-42"


class Auth:
    def __init__(self, client):
        self.client = client

    def csrf(self, path="/login") -> str:
        page = self.client.get(path).get_data(as_text=True)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page)
        return found.group(1)

    def login(self, username="insp1", password=PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": self.csrf()})

    def logout(self):
        token = self.csrf("/")
        return self.client.post("/logout", data={"csrf_token": token})


def new_uuid() -> str:
    return str(uuid.uuid4())


def apply_events(case, *events):
    """Post each event (a dict, as the API takes it) on the case as the system, then commit."""
    from enforcement.extensions import db
    from enforcement.services.casework import cases
    from enforcement.services.core.actor import SYSTEM
    for data in events:
        cases.apply_event(SYSTEM, case, data, now=NOW)
    db.session.commit()
    return case
