"""How Flask-Login finds the user: session cookie for pages, bearer token for the API."""
from __future__ import annotations

from .extensions import db, login_manager
from .models import User


@login_manager.user_loader
def load_user(user_id: str):
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
