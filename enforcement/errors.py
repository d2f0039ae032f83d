"""The one catalogue of domain errors, with stable codes. Web and API map them to HTTP in one
place (``web/errors.py``); nothing else decides a status code."""

from __future__ import annotations


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(
        self,
        message: str,
        fields: dict[str, str] | None = None,
        *,
        code: str | None = None,
        **extra,
    ):
        super().__init__(message)
        #: The English sentence, for logs and integrators; people read the text of ``code``
        #: (web/messages.py), in their language.
        self.message = message
        self.fields = fields or {}
        self.extra = extra
        if code:
            self.code = code  # a more precise stable code than the class's


class ValidationError(DomainError):
    code = "validation_failed"
    status = 422


class InvalidText(ValidationError):
    """Text that cannot be stored: a NUL character, or a lone UTF-16 surrogate (a phone cut a
    string in the middle of an emoji). Answered 422 like any invalid field."""

    code = "invalid_text"


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class NotOnCase(Forbidden):
    """An officer not on a case tried to move it (kept for a reviewer when it came with a visit)."""

    code = "not_on_case"


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class Conflict(DomainError):
    code = "conflict"
    status = 409


class Duplicate(Conflict):
    code = "duplicate"


class IdempotencyMismatch(Conflict):
    """The same client UUID arrived again with different content."""

    code = "client_uuid_reused"


class ImpossibleTransition(Conflict):
    code = "impossible_transition"


class ForbiddenByLaw(ImpossibleTransition):
    """An event the law does not allow now; ``article`` names the provision that forbids it.
    Kept for a reviewer like any refused transition."""

    code = "forbidden_by_law"


class TooLarge(DomainError):
    """An upload over a configured limit (bytes or pixels)."""

    code = "too_large"
    status = 413


class UnsupportedMedia(DomainError):
    code = "unsupported_media_type"
    status = 415
