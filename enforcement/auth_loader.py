"""How Flask-Login finds the user: session cookie for pages, bearer token for the API."""

from __future__ import annotations

from .extensions import db, login_manager
from .models import User


@login_manager.user_loader
def load_user(user_id: str):
    """``id:generation``: a cookie from before the user's sessions were ended names an old
    generation and loads nobody (a copied cookie dies at logout, not after 12 hours)."""
    ident, sep, generation = str(user_id).partition(":")
    if not sep or not ident.isdigit() or not generation.isdigit() or len(ident) > 12:
        return None
    user = db.session.get(User, int(ident))
    if user is None or (user.session_generation or 0) != int(generation):
        return None
    return user
