"""The scripting API: the docker's actions for scripts (and the integration tests).

Run these on Krita's UI thread (the Scripter, a plugin action, ``kritarunner``). ``fill``
and ``expand`` block until the layer is in the document, processing Qt events while they
wait so Krita stays responsive, and raise a :class:`~creative_bridge.errors.CreativeBridgeError`
on failure. ``start_fill``/``start_expand`` return the running
:class:`~creative_bridge.jobs.Operation` instead (``.cancel()``, ``.wait()``).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from .contract import AUTO
from .errors import (  # noqa: F401 - re-exported for scripts
    CreativeBridgeError,
    DaemonError,
    NoDocumentError,
    NoSelectionError,
    OperationCancelled,
    UnsupportedDocumentError,
)
from .geometry import Expansion
from .jobs import Operation
from .model import ExpandJob, FillJob, Options
from .settings import Settings

__all__ = [
    "CreativeBridgeError", "DaemonError", "NoDocumentError", "NoSelectionError", "OperationCancelled",
    "UnsupportedDocumentError", "expand", "fill", "start_expand", "start_fill",
]


def start_fill(document: Any, prompt: str = "", *, mode: str = AUTO, engine: str = "auto",
               seed: Optional[int] = None, strength: Optional[float] = None, margin: int = 0,
               settings: Optional[Settings] = None, on_event: Optional[Callable] = None) -> Operation:
    """Start filling the selection of ``document``; return the running Operation.

    Raises at once (before any network) NoDocumentError, NoSelectionError,
    UnsupportedDocumentError, or ValueError for a bad mode or seed.
    """
    options = Options(prompt=prompt, mode=mode, engine=engine, seed=seed, strength=strength, margin=margin)
    job = FillJob(document, options)
    return job.operation(settings=settings or Settings.load(), on_event=on_event).start()


def fill(document: Any, prompt: str = "", *, mode: str = AUTO, engine: str = "auto",
         seed: Optional[int] = None, timeout: Optional[float] = None, **extra: Any) -> Any:
    """Fill the selection of ``document`` and return the new layer (a krita Node).

    ``mode``: auto, fill, remove (object removal) or expand is not allowed here;
    ``engine``: "auto" or an engine id from the daemon's capabilities; ``seed``:
    0..4294967295 or None for a random one (the layer name records it). Extra keywords
    (``strength``, ``margin``, ``settings``, ``on_event``) go to :func:`start_fill`.
    Raises CreativeBridgeError subclasses: OperationCancelled, DaemonError (daemon not
    running, model missing, out of memory, engine failure, each with a readable message).
    """
    return start_fill(document, prompt, mode=mode, engine=engine, seed=seed, **extra).wait(timeout)


def start_expand(document: Any, amounts: Expansion, *, prompt: str = "", engine: str = "auto",
                 seed: Optional[int] = None, settings: Optional[Settings] = None,
                 on_event: Optional[Callable] = None) -> Operation:
    """Start expanding ``document`` by ``amounts`` = Expansion(left, top, right, bottom)."""
    job = ExpandJob(document, Expansion(*amounts), Options(prompt=prompt, engine=engine, seed=seed))
    return job.operation(settings=settings or Settings.load(), on_event=on_event).start()


def expand(document: Any, left: int, top: int, right: int, bottom: int, *, prompt: str = "",
           engine: str = "auto", seed: Optional[int] = None, timeout: Optional[float] = None,
           **extra: Any) -> Any:
    """Grow the canvas by the given pixels on each side, fill the new area, and return
    the new layer. The canvas grows only once the result is back, so a failure leaves
    the document unchanged. Raises like :func:`fill`."""
    amounts = Expansion(left, top, right, bottom)
    return start_expand(document, amounts, prompt=prompt, engine=engine, seed=seed, **extra).wait(timeout)
