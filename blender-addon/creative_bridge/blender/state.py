"""State shared between the worker threads and the main thread, kept out of bpy data on
purpose: a worker thread must never touch bpy, so it writes here and a bpy.app.timers
callback on the main thread copies what the UI shows into the PropertyGroup."""

from __future__ import annotations

import threading
from typing import Any, List, Optional, Tuple


class Connection:
    """The last connection check: ``status`` text for the panel, ``ok``, and the engine
    choices from /v1/capabilities (kept referenced: Blender's enum items callbacks need
    the strings to outlive the call)."""

    def __init__(self):
        self.ok = False
        self.status = "Not checked yet"
        self.engines: List[Tuple[str, str, str]] = [("auto", "Auto", "Let the daemon pick")]
        self.checking = False


class ActiveJob:
    """The one texture job the UI runs at a time."""

    def __init__(self, prepared: Any, progress: Any, label: str):
        self.prepared = prepared
        self.progress = progress
        self.label = label
        self.client: Any = None
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.thread: Optional[threading.Thread] = None

    @property
    def finished(self) -> bool:
        """Whether the worker thread has ended (with a result or an error)."""
        return self.thread is not None and not self.thread.is_alive()


connection = Connection()
active: Optional[ActiveJob] = None
