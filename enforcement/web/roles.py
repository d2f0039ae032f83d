"""Page access by role: the bureau desk is for reviewers and administrators only."""

from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user, login_required


def reviewer_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role not in ("reviewer", "admin"):
            abort(403)
        return view(*args, **kwargs)

    return wrapper
