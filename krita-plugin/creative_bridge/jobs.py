"""Running one request without blocking Krita: network in a worker thread, results on
the UI thread.

The worker never touches Krita: it only talks to the daemon and posts messages to a
queue. The UI thread drains the queue in :meth:`Operation.poll` (a QTimer in the docker,
a loop that also processes Qt events in the scripting API), and only there are the
handlers that change the document called.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .bridge import bridge_client as bc
from .bridge import connect
from .contract import JobRequest
from .errors import CreativeBridgeError, OperationCancelled, to_plugin_error
from .settings import Settings

POLL_SECONDS = 0.01


@dataclass
class JobOutcome:
    """What the worker hands back: the finished job and its downloaded output."""

    job: Any
    data: bytes
    content_type: str
    request: JobRequest


class Channel:
    """The worker's side of an operation: post messages, learn about cancellation."""

    def __init__(self) -> None:
        self.messages: "queue.Queue" = queue.Queue()
        self.cancelled = threading.Event()
        self.job_id: Optional[str] = None

    def post(self, kind: str, payload: Any = None) -> None:
        """Queue a message for the UI thread."""
        self.messages.put((kind, payload))

    def check_cancelled(self) -> None:
        """Raise JobCancelled when the user cancelled (between network steps)."""
        if self.cancelled.is_set():
            raise bc.JobCancelled(self.job_id or "(not submitted)")


def new_job_id() -> str:
    """A client-chosen job id, known before submission so cancel can name it."""
    return "krita-" + uuid.uuid4().hex[:20]


def run_request(client: Any, request: JobRequest, channel: Channel) -> JobOutcome:
    """Upload the inputs, submit, follow the events and download the output (worker
    thread). Preview images are downloaded here too and posted as ``preview``."""
    uploads = {}
    for name, image in request.inputs.items():
        channel.check_cancelled()
        uploads[name] = client.put_raw_image(image.pixels, image.width, image.height, fmt=image.fmt)
    channel.check_cancelled()
    channel.job_id = new_job_id()
    job = client.submit(
        request.task,
        uploads,
        request.params,
        engine=request.engine,
        output_format=request.output_format,
        job_id=channel.job_id,
    )
    channel.post("submitted", job)
    if channel.cancelled.is_set():
        # cancel() may have fired between choosing the id and the job existing.
        _quiet_cancel(client, channel.job_id)

    def on_event(event: Any) -> None:
        channel.post("event", event)
        if event.type == "preview" and event.preview and not channel.cancelled.is_set():
            try:
                data, content_type = client.get_blob(event.preview)
            except bc.BridgeError:
                return  # a lost preview is not worth failing the job
            channel.post("preview", (data, content_type))

    done = client.wait(channel.job_id, on_event=on_event)
    # The job may have finished before the cancel reached the daemon: the user still
    # asked for nothing to be added.
    channel.check_cancelled()
    data, content_type = client.get_blob(done.output("image"))
    return JobOutcome(done, data, content_type, request)


def _quiet_cancel(client: Any, job_id: Optional[str]) -> None:
    """DELETE the job, ignoring failures (it may not exist yet or be over already)."""
    if not job_id:
        return
    try:
        client.cancel(job_id)
    except bc.BridgeError:
        pass


class Operation:
    """One job from start to layer.

    ``network(client, channel)`` runs in a worker thread and returns the value passed to
    ``apply`` on the UI thread; ``apply`` returns the operation's result (the new layer).
    Keyword handlers, all called on the UI thread: ``on_event(event)``,
    ``on_preview(data, content_type)``, ``on_finished(operation)`` (after success, failure or
    cancellation). ``settings`` chooses the daemon.
    """

    def __init__(self, network: Callable[[Any, Channel], Any], apply: Callable[[Any], Any], *,
                 settings: Optional[Settings] = None, on_event: Optional[Callable] = None,
                 on_preview: Optional[Callable] = None, on_finished: Optional[Callable] = None):
        self._network = network
        self._apply = apply
        self._settings = settings
        self._on_event = on_event
        self._on_preview = on_preview
        self._on_finished = on_finished
        self._channel = Channel()
        self._client: Any = None
        self._thread: Optional[threading.Thread] = None
        self.finished = False
        self.result: Any = None
        self.error: Optional[CreativeBridgeError] = None
        self.job: Any = None

    @property
    def job_id(self) -> Optional[str]:
        """The daemon job id, once chosen."""
        return self._channel.job_id

    def start(self) -> "Operation":
        """Start the worker thread; returns self."""
        self._thread = threading.Thread(target=self._work, name="creative-bridge-job", daemon=True)
        self._thread.start()
        return self

    def _work(self) -> None:
        try:
            self._client = connect(self._settings)
            self._channel.post("result", self._network(self._client, self._channel))
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the UI thread
            self._channel.post("error", exc)

    def cancel(self) -> None:
        """Ask for cancellation: no layer will be added. The DELETE goes out from a short
        helper thread, so the UI thread never waits on the network."""
        self._channel.cancelled.set()
        client, job_id = self._client, self._channel.job_id
        if client is not None and job_id is not None:
            threading.Thread(target=_quiet_cancel, args=(client, job_id), daemon=True).start()

    @property
    def cancel_requested(self) -> bool:
        """Whether cancel() was called."""
        return self._channel.cancelled.is_set()

    def poll(self) -> bool:
        """Handle the worker's messages (UI thread only). Returns True once finished."""
        while not self.finished:
            try:
                kind, payload = self._channel.messages.get_nowait()
            except queue.Empty:
                break
            self._handle(kind, payload)
        return self.finished

    def _handle(self, kind: str, payload: Any) -> None:
        if kind == "submitted":
            self.job = payload
        elif kind == "event":
            self._call(self._on_event, payload)
        elif kind == "preview":
            if not self.cancel_requested:
                self._call(self._on_preview, *payload)
        elif kind == "result":
            if self.cancel_requested:
                self._finish(error=bc.JobCancelled(self.job_id or "(not submitted)"))
                return
            try:
                self.job = getattr(payload, "job", self.job)
                self._finish(result=self._apply(payload))
            except BaseException as exc:  # noqa: BLE001 - reported as the operation's error
                self._finish(error=exc)
        elif kind == "error":
            self._finish(error=payload)

    @staticmethod
    def _call(handler: Optional[Callable], *args: Any) -> None:
        if handler is not None:
            handler(*args)

    def _finish(self, *, result: Any = None, error: Optional[BaseException] = None) -> None:
        self.finished = True
        self.result = result
        self.error = to_plugin_error(error) if error is not None else None
        if self.error is not None and self.cancel_requested and not isinstance(self.error, OperationCancelled):
            # A request cut short by cancel may fail in other ways; the user asked to cancel.
            self.error = OperationCancelled("The job was cancelled; nothing was added.", cause=error)
        self._call(self._on_finished, self)

    def wait(self, timeout: Optional[float] = None) -> Any:
        """Block until finished while keeping Qt responsive (for the scripting API); return
        the result or raise the operation's CreativeBridgeError. On timeout the job is
        cancelled and OperationCancelled raised."""
        from .qt import process_events  # Qt only when actually waiting inside Krita

        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.poll():
            if deadline is not None and time.monotonic() > deadline:
                self.cancel()
                deadline = None
            process_events()
            time.sleep(POLL_SECONDS)
        if self.error is not None:
            raise self.error
        return self.result
