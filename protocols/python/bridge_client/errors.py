"""Typed errors of the Creative Bridge client.

Every failure the client reports is a :class:`BridgeError`. Errors the daemon sends
(``{"error": {"code", "message", "details"}}``) keep their ``BRIDGE-xxxx`` code; failures
found on this side (no daemon, timeout, garbled answer) use ``CLIENT-*`` codes so that a
plugin can always show ``str(error)`` and branch on the class or on ``code``.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Type

# Codes for failures detected by the client itself. They never collide with the
# daemon's catalogue, which only uses the BRIDGE- prefix.
CLIENT_DAEMON_NOT_RUNNING = "CLIENT-NOT-RUNNING"
CLIENT_CONNECTION = "CLIENT-CONNECTION"
CLIENT_TIMEOUT = "CLIENT-TIMEOUT"
CLIENT_PROTOCOL = "CLIENT-PROTOCOL"
CLIENT_CANCELLED = "CLIENT-CANCELLED"
CLIENT_NO_TOKEN = "CLIENT-NO-TOKEN"


class BridgeError(Exception):
    """Base of every error raised by the client.

    Attributes:
        code: ``BRIDGE-xxxx`` from the daemon, ``HTTP-<status>`` for an answer without an
            error body, or one of the ``CLIENT-*`` codes of this module.
        message: one readable sentence.
        details: extra facts sent by the daemon (always a dict, possibly empty).
        http_status: the HTTP status of the answer, or None when no answer was received.
    """

    def __init__(
        self,
        code: str,
        message: str,
        details: Optional[Mapping[str, Any]] = None,
        http_status: Optional[int] = None,
    ) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.details: Dict[str, Any] = dict(details or {})
        self.http_status = http_status

    def __str__(self) -> str:
        return "{}: {}".format(self.code, self.message)

    def __repr__(self) -> str:
        return "{}(code={!r}, message={!r}, details={!r}, http_status={!r})".format(
            type(self).__name__, self.code, self.message, self.details, self.http_status
        )


# --- failures talking to the daemon -------------------------------------------------


class BridgeConnectionError(BridgeError):
    """The daemon could not be reached or the connection broke mid-request."""


class DaemonNotRunning(BridgeConnectionError):
    """No daemon answers: endpoint.json is missing or the connection was refused."""


class BridgeTimeout(BridgeError):
    """A request (or a wait for a job) took longer than its timeout."""


class ProtocolError(BridgeError):
    """The daemon answered something that does not follow wire protocol v1."""


# --- errors the daemon sends, grouped by code family ---------------------------------


class Unauthorized(BridgeError):
    """Missing or wrong bearer token (BRIDGE-1001), or no token file to read."""


class Forbidden(BridgeError):
    """The request was refused for its Host (BRIDGE-1002) or Origin (BRIDGE-1003) header."""


class NotFound(BridgeError):
    """No such endpoint, blob or job (BRIDGE-1004, BRIDGE-2001, BRIDGE-3010)."""


class InvalidRequest(BridgeError):
    """The request itself is wrong: bad JSON, schema, params, inputs or images.

    Covers BRIDGE-1005..1009, BRIDGE-2002, BRIDGE-2004 and BRIDGE-3001..3009.
    """


class Conflict(BridgeError):
    """The request clashes with the daemon's state: duplicate job id (BRIDGE-3011) or an
    engine whose model is not installed (BRIDGE-3012)."""


class ServerBusy(BridgeError):
    """The daemon is out of room for now: blob store full (BRIDGE-2003) or queue full
    (BRIDGE-3013). Retrying later may succeed."""


class ServerError(BridgeError):
    """An unexpected error inside the daemon (BRIDGE-5000 or any other 5xx)."""


# --- job outcomes --------------------------------------------------------------------


class JobFailed(BridgeError):
    """A job ended with status ``failed``; ``code``/``message``/``details`` are the job's
    error (e.g. BRIDGE-4002 engine failed) and ``job`` the final Job when known."""

    def __init__(
        self,
        code: str,
        message: str,
        details: Optional[Mapping[str, Any]] = None,
        http_status: Optional[int] = None,
        *,
        job: Any = None,
    ) -> None:
        super().__init__(code, message, details, http_status)
        self.job = job


class JobCancelled(BridgeError):
    """A job ended with status ``cancelled``; ``job`` is the final Job when known."""

    def __init__(self, job_id: str, *, job: Any = None) -> None:
        super().__init__(CLIENT_CANCELLED, "job {} was cancelled".format(job_id))
        self.job_id = job_id
        self.job = job


# The daemon's catalogue (protocols/src/main/java/.../ErrorCode.java) mapped to classes.
_CLASS_BY_CODE: Dict[str, Type[BridgeError]] = {
    "BRIDGE-1001": Unauthorized,
    "BRIDGE-1002": Forbidden,
    "BRIDGE-1003": Forbidden,
    "BRIDGE-1004": NotFound,
    "BRIDGE-1005": InvalidRequest,
    "BRIDGE-1006": InvalidRequest,
    "BRIDGE-1007": InvalidRequest,
    "BRIDGE-1008": InvalidRequest,
    "BRIDGE-1009": InvalidRequest,
    "BRIDGE-2001": NotFound,
    "BRIDGE-2002": InvalidRequest,
    "BRIDGE-2003": ServerBusy,
    "BRIDGE-2004": InvalidRequest,
    "BRIDGE-3001": InvalidRequest,
    "BRIDGE-3002": InvalidRequest,
    "BRIDGE-3003": InvalidRequest,
    "BRIDGE-3004": InvalidRequest,
    "BRIDGE-3005": InvalidRequest,
    "BRIDGE-3006": InvalidRequest,
    "BRIDGE-3007": InvalidRequest,
    "BRIDGE-3008": InvalidRequest,
    "BRIDGE-3009": InvalidRequest,
    "BRIDGE-3010": NotFound,
    "BRIDGE-3011": Conflict,
    "BRIDGE-3012": Conflict,
    "BRIDGE-3013": ServerBusy,
    "BRIDGE-3014": InvalidRequest,
    "BRIDGE-3015": InvalidRequest,
    "BRIDGE-5000": ServerError,
    "BRIDGE-6001": NotFound,
    "BRIDGE-6002": InvalidRequest,
    "BRIDGE-6003": Conflict,
    "BRIDGE-6004": Conflict,
    "BRIDGE-6005": ServerError,
    "BRIDGE-6006": Forbidden,
    "BRIDGE-6007": Conflict,
}

# Fallback for codes this client version does not know yet (a newer daemon).
_CLASS_BY_STATUS: Dict[int, Type[BridgeError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: InvalidRequest,
    409: Conflict,
    413: InvalidRequest,
    415: InvalidRequest,
    421: Forbidden,
    503: ServerBusy,
    507: ServerBusy,
}


def error_class(code: Optional[str], http_status: Optional[int]) -> Type[BridgeError]:
    """Return the BridgeError subclass for a daemon error code, falling back on the HTTP
    status for unknown codes and to BridgeError itself when neither says more."""
    if code in _CLASS_BY_CODE:
        return _CLASS_BY_CODE[code]  # type: ignore[index]
    if http_status is not None:
        if http_status in _CLASS_BY_STATUS:
            return _CLASS_BY_STATUS[http_status]
        if 500 <= http_status < 600:
            return ServerError
    return BridgeError


def error_from_response(
    http_status: int, body: bytes, *, reason: str = "", content_type: str = ""
) -> BridgeError:
    """Build the typed error for an HTTP error answer.

    Uses the daemon's ``{"error": {...}}`` body when there is one; any other body (HTML
    from a proxy, plain text, nothing) still gives a readable error with code
    ``HTTP-<status>``. Never raises.
    """
    parsed = _parse_error_body(body)
    if parsed is not None:
        code, message, details = parsed
        return error_class(code, http_status)(code, message, details, http_status)
    text = _body_excerpt(body, content_type)
    message = "HTTP {}{}".format(http_status, " " + reason if reason else "")
    if text:
        message += ": " + text
    return error_class(None, http_status)("HTTP-{}".format(http_status), message, {}, http_status)


def error_from_json(
    error: Mapping[str, Any], http_status: Optional[int] = None
) -> BridgeError:
    """Build the typed error for an ``{"code", "message", "details"}`` object, as found in
    an error body, a failed job or a ``failed`` event."""
    code = str(error.get("code") or "BRIDGE-5000")
    message = str(error.get("message") or "unknown error")
    details = error.get("details")
    return error_class(code, http_status)(
        code, message, details if isinstance(details, dict) else {}, http_status
    )


def _parse_error_body(body: bytes) -> Optional[tuple]:
    """(code, message, details) from a daemon error body, or None if it is not one."""
    if not body:
        return None
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("error"), dict):
        return None
    err = doc["error"]
    code = err.get("code")
    if not isinstance(code, str) or not code:
        return None
    message = err.get("message")
    details = err.get("details")
    return (
        code,
        message if isinstance(message, str) and message else code,
        details if isinstance(details, dict) else {},
    )


def _body_excerpt(body: bytes, content_type: str) -> str:
    """A short, single-line, printable excerpt of an unexpected body."""
    if not body:
        return ""
    if content_type and not (
        content_type.startswith("text/") or "json" in content_type or "xml" in content_type
    ):
        return "<{} bytes of {}>".format(len(body), content_type)
    text = body[:300].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    if len(body) > 300:
        text += " ..."
    return text
