"""The plugin's typed errors and the one place that turns any failure into a sentence an
artist can act on (shown in the docker, raised by the scripting API)."""

from __future__ import annotations

from typing import Optional

from .bridge import bridge_client as bc

START_HINT = "Start it with `bridge serve` (or the Creative Bridge app), or set its URL in the docker's settings."


class CreativeBridgeError(Exception):
    """Base of every error the plugin raises. ``code`` is the daemon's BRIDGE-xxxx code,
    a CLIENT-* code of bridge_client, or a PLUGIN-* code; ``cause`` the original error."""

    code = "PLUGIN-ERROR"

    def __init__(self, message: str, *, code: Optional[str] = None, cause: Optional[BaseException] = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.cause = cause

    def __str__(self) -> str:
        return self.message


class NoDocumentError(CreativeBridgeError):
    """No document is open (docker) or None was passed (API)."""

    code = "PLUGIN-NO-DOCUMENT"


class NoSelectionError(CreativeBridgeError):
    """Fill needs a selection and there is none, or it is empty."""

    code = "PLUGIN-NO-SELECTION"


class UnsupportedDocumentError(CreativeBridgeError):
    """The document's colour model or depth cannot be sent."""

    code = "PLUGIN-UNSUPPORTED"


class OperationCancelled(CreativeBridgeError):
    """The job was cancelled; nothing was added to the document."""

    code = "CLIENT-CANCELLED"


class DaemonError(CreativeBridgeError):
    """The daemon could not be reached, refused the request or the job failed."""


def describe(error: BaseException) -> str:
    """One readable sentence (or two) for any failure, naming what to do next."""
    if isinstance(error, CreativeBridgeError):
        return error.message
    if isinstance(error, bc.DaemonNotRunning):
        return "The Creative Bridge daemon is not running. " + START_HINT
    if isinstance(error, bc.JobCancelled):
        return "Cancelled."
    if isinstance(error, bc.BridgeError):
        return _describe_bridge(error)
    return "Unexpected error: {}: {}".format(type(error).__name__, error)


def _describe_bridge(error: "bc.BridgeError") -> str:
    code = error.code
    details = error.details or {}
    if code == "BRIDGE-3012":
        engine = details.get("engine") or details.get("model") or "the chosen engine"
        return (
            "The model for {} is not installed or cannot load. Install it with `bridge models` "
            "or pick another engine (auto uses the built-in one). ({})".format(engine, error.message)
        )
    if code == "BRIDGE-4003":
        return (
            "The daemon ran out of memory ({}). Try a smaller selection, a smaller context "
            "margin, or a lighter engine.".format(error.message)
        )
    if code == "BRIDGE-2003":
        return "The daemon's blob store is full; delete old results or raise its limit. ({})".format(error.message)
    if code == "BRIDGE-3013":
        return "The daemon's queue is full; wait for running jobs to finish and try again."
    if code == "BRIDGE-3002":
        return "The daemon has no such engine for this task: {}".format(error.message)
    if code == "BRIDGE-3007":
        return "The image is too large for the daemon: {}".format(error.message)
    if isinstance(error, bc.Unauthorized):
        return (
            "The daemon refused the token ({}). Restart the daemon or check the token in the "
            "docker's settings.".format(error.message)
        )
    if isinstance(error, bc.BridgeTimeout):
        return "The daemon did not answer in time: {}".format(error.message)
    if isinstance(error, bc.BridgeConnectionError):
        return "Lost the connection to the daemon: {}. {}".format(error.message, START_HINT)
    if isinstance(error, bc.JobFailed):
        return "The engine failed: {} ({})".format(error.message, code)
    return "{} ({})".format(error.message, code)


def to_plugin_error(error: BaseException) -> CreativeBridgeError:
    """Wrap any failure in the plugin's typed errors (keeping ``code`` and ``cause``)."""
    if isinstance(error, CreativeBridgeError):
        return error
    if isinstance(error, bc.JobCancelled):
        return OperationCancelled("The job was cancelled; nothing was added.", cause=error)
    code = getattr(error, "code", None)
    return DaemonError(describe(error), code=code if isinstance(code, str) else None, cause=error)
