"""The HTTP client of wire protocol v1 (see protocols/WIRE.md).

Design rules, because this module is vendored into Krita, Blender and a DAW:

* standard library only, Python 3.8 to 3.13;
* no threads: every call blocks the calling thread and the plugin decides where it runs
  (a worker thread, a timer-driven poll, ...);
* one fresh connection per call, so one client object may be used from several threads
  (e.g. ``cancel`` from the UI thread while another thread is inside ``wait``);
* every socket operation has a timeout, and every failure is a
  :class:`~bridge_client.errors.BridgeError` subclass.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import time
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union
from urllib.parse import quote, urlencode, urlsplit

from . import discovery
from .errors import (
    CLIENT_CONNECTION,
    CLIENT_DAEMON_NOT_RUNNING,
    CLIENT_PROTOCOL,
    CLIENT_TIMEOUT,
    BridgeConnectionError,
    BridgeError,
    BridgeTimeout,
    DaemonNotRunning,
    JobCancelled,
    JobFailed,
    ProtocolError,
    error_from_response,
)
from .events import SseParser, decode_event
from .images import parse_raw_image_type, raw_image_size, raw_image_type
from .models import (
    CANCELLED,
    FAILED,
    SUCCEEDED,
    BlobInfo,
    Capabilities,
    Event,
    Health,
    Job,
)

PROTOCOL_VERSION = 1
API_PREFIX = "/v1"
BLOB_ID_PREFIX = "sha256:"

DEFAULT_TIMEOUT = 30.0
"""Seconds for connecting and for each read of an ordinary JSON call."""
DEFAULT_TRANSFER_TIMEOUT = 300.0
"""Seconds for each socket operation of a blob upload or download."""
DEFAULT_IDLE_TIMEOUT = 600.0
"""Seconds an event stream may stay silent before ``events`` gives up (a job may sit in
the queue behind long jobs without any event)."""

BlobRef = Union[str, BlobInfo]
Bytes = Union[bytes, bytearray, memoryview]

_READ_SIZE = 64 * 1024
# After a dropped event stream, `wait` reconnects this many times in a row before giving up.
_MAX_RECONNECTS = 5
_RECONNECT_PAUSE = 0.25


class _Response:
    """A fully read HTTP answer."""

    __slots__ = ("status", "reason", "headers", "body")

    def __init__(self, status: int, reason: str, headers: http.client.HTTPMessage, body: bytes):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    @property
    def content_type(self) -> str:
        """The Content-Type header, or an empty string."""
        return self.headers.get("Content-Type", "") or ""


class BridgeClient:
    """Client of one Creative Bridge daemon.

    ``url`` is the daemon's base URL as written in endpoint.json (``http://127.0.0.1:PORT``;
    a trailing ``/v1`` is accepted), ``token`` the bearer token (None only for
    :meth:`health`). Use :func:`bridge_client.discover` to find both automatically.

    Keyword args: ``timeout`` for JSON calls, ``transfer_timeout`` for blob bodies,
    ``idle_timeout`` for silence on an event stream (all in seconds, all per socket
    operation).

    Raises ValueError for a URL that is not ``http://`` or ``https://``.
    """

    def __init__(
        self,
        url: str,
        token: Optional[str] = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transfer_timeout: float = DEFAULT_TRANSFER_TIMEOUT,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("daemon URL must look like http://127.0.0.1:PORT, got {!r}".format(url))
        self.url = url.rstrip("/")
        self.token = token.strip() if token else None
        self.timeout = timeout
        self.transfer_timeout = transfer_timeout
        self.idle_timeout = idle_timeout
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        base = parts.path.rstrip("/")
        if base.endswith(API_PREFIX):
            base = base[: -len(API_PREFIX)]
        self._base = base

    def __repr__(self) -> str:
        return "BridgeClient({!r})".format(self.url)

    # --- service -----------------------------------------------------------------

    def health(self) -> Health:
        """GET /v1/health (needs no token).

        Raises DaemonNotRunning when nothing listens at the URL, BridgeTimeout,
        BridgeConnectionError, ProtocolError on a malformed answer.
        """
        return Health.from_json(self._json("GET", "/health"))

    def capabilities(self) -> Capabilities:
        """GET /v1/capabilities: tasks, their inputs, params schema and engines.

        Raises Unauthorized for a missing/wrong token, plus the connection errors of
        :meth:`health`.
        """
        return Capabilities.from_json(self._json("GET", "/capabilities"))

    # --- blobs ---------------------------------------------------------------------

    def blob_info(self, blob_id: BlobRef) -> Optional[BlobInfo]:
        """HEAD /v1/blobs/{id}: the stored blob's size and type, or None when absent.

        Raises InvalidRequest (BRIDGE-2004 family) for a malformed id, Unauthorized, and
        the connection errors.
        """
        blob_id = _blob_id(blob_id)
        response = self._call("HEAD", _blob_path(blob_id), ok=(200, 404))
        if response.status == 404:
            return None
        length = response.headers.get("Content-Length")
        return BlobInfo(
            id=blob_id,
            size=int(length) if length and length.isdigit() else -1,
            type=response.content_type,
        )

    def put_blob(self, data: Bytes, content_type: str, *, skip_existing: bool = True) -> BlobInfo:
        """Store bytes in the daemon's blob store and return their BlobInfo.

        The sha256 id is computed here first; with ``skip_existing`` (the default) a HEAD
        asks whether those bytes are already stored with that type, and only if not are
        they uploaded. ``data`` (bytes, bytearray or a C-contiguous memoryview) goes to
        the socket as is, without copies.

        Raises InvalidRequest (e.g. BRIDGE-2002 too large, BRIDGE-1009 bad type,
        BRIDGE-3008 raw size mismatch), ServerBusy (BRIDGE-2003 store full),
        Unauthorized, ProtocolError if the daemon's id differs from the local hash, and
        the connection errors. ValueError for an empty content type.
        """
        if not content_type or not content_type.strip():
            raise ValueError("put_blob needs a content type, e.g. 'image/png'")
        view = _byte_view(data)
        blob_id = BLOB_ID_PREFIX + hashlib.sha256(view).hexdigest()
        if skip_existing:
            existing = self.blob_info(blob_id)
            if existing is not None and _same_media_type(existing.type, content_type):
                size = existing.size if existing.size >= 0 else view.nbytes
                return BlobInfo(id=blob_id, size=size, type=existing.type or content_type)
        response = self._call(
            "PUT",
            API_PREFIX + "/blobs",
            body=view,
            headers={"Content-Type": content_type, "Content-Length": str(view.nbytes)},
            ok=(200, 201),
            timeout=self.transfer_timeout,
        )
        info = BlobInfo.from_json(_decode_json(response))
        if info.id != blob_id:
            raise ProtocolError(
                CLIENT_PROTOCOL,
                "daemon stored the blob as {} but its sha256 is {}".format(info.id, blob_id),
                {"expected": blob_id, "actual": info.id},
            )
        return info

    def put_raw_image(self, pixels: Bytes, width: int, height: int, *, fmt: str = "rgba8") -> BlobInfo:
        """Store uncompressed pixels as ``image/x-raw; width=W; height=H; format=fmt``.

        ``pixels``: rows top to bottom, interleaved straight-alpha RGBA; ``fmt`` rgba8,
        rgba16 or rgbaf32 (16-bit and float little-endian). Raises ValueError when the
        byte count does not match ``width*height*bytes_per_pixel`` or the format is
        unknown, and the errors of :meth:`put_blob`.
        """
        view = _byte_view(pixels)
        expected = raw_image_size(width, height, fmt)
        if view.nbytes != expected:
            raise ValueError(
                "{}x{} {} needs {} bytes, got {}".format(width, height, fmt, expected, view.nbytes)
            )
        return self.put_blob(view, raw_image_type(width, height, fmt))

    def get_blob(self, blob_id: BlobRef, *, verify: bool = True) -> Tuple[bytes, str]:
        """GET /v1/blobs/{id}: return (bytes, content type).

        With ``verify`` the bytes are checked against their sha256 id. Raises NotFound
        (BRIDGE-2001), InvalidRequest (BRIDGE-2004 malformed id), Unauthorized,
        ProtocolError on a hash mismatch, and the connection errors.
        """
        blob_id = _blob_id(blob_id)
        response = self._call("GET", _blob_path(blob_id), timeout=self.transfer_timeout)
        if verify and blob_id.startswith(BLOB_ID_PREFIX):
            actual = BLOB_ID_PREFIX + hashlib.sha256(response.body).hexdigest()
            if actual != blob_id.lower():
                raise ProtocolError(
                    CLIENT_PROTOCOL,
                    "blob {} came back with sha256 {}".format(blob_id, actual),
                    {"expected": blob_id, "actual": actual},
                )
        return response.body, response.content_type

    # --- jobs ----------------------------------------------------------------------

    def submit(
        self,
        task: str,
        inputs: Mapping[str, BlobRef],
        params: Optional[Mapping[str, Any]] = None,
        *,
        engine: str = "auto",
        priority: str = "interactive",
        output_format: str = "png",
        job_id: Optional[str] = None,
    ) -> Job:
        """POST /v1/jobs: queue a job and return it (status ``queued`` or later).

        ``inputs`` maps input names to blob ids (or BlobInfo); ``params`` are the task's
        params (absent ones take their defaults; an absent seed is chosen by the daemon
        and recorded in the recipe). ``job_id`` lets the caller choose the id
        ([A-Za-z0-9._-]{1,64}).

        Raises InvalidRequest for bad requests (BRIDGE-3001 unknown task, 3002 engine,
        3003/3004 inputs, 3005 params, 3006/3007/3008 images, 3009 sizes, 1008 schema),
        NotFound (BRIDGE-2001 an input blob is missing), Conflict (BRIDGE-3011 duplicate
        id, 3012 engine not installed), ServerBusy (BRIDGE-3013 queue full), Unauthorized,
        and the connection errors.
        """
        body: Dict[str, Any] = {
            "task": task,
            "inputs": {str(name): _blob_id(ref) for name, ref in inputs.items()},
            "engine": engine,
            "priority": priority,
            "output_format": output_format,
        }
        if params is not None:
            body["params"] = dict(params)
        if job_id is not None:
            body["id"] = job_id
        return Job.from_json(self._json("POST", "/jobs", body=body, ok=(200, 201, 202)))

    def models(self) -> Dict[str, Any]:
        """GET /v1/models: ``{"installed": [...], "catalogue": [...]}`` as JSON (see WIRE.md).

        Raises Unauthorized and the connection errors.
        """
        return self._json("GET", "/models")

    def pull_model(self, model_id: str, *, accept_licence: bool = False) -> Job:
        """Queue a download of a catalogue model: a job of task ``models.pull``.

        Follow it with :meth:`wait` or :meth:`events` (progress comes as its events). The job
        fails with BRIDGE-6001 (not in the catalogue), 6004 (restricted licence not accepted),
        6005 (download failed or did not verify), 6006 (downloads disabled) or 6007 (installed).
        """
        params = {"model": model_id, "accept_licence": bool(accept_licence)}
        return self.submit("models.pull", {}, params, priority="batch")

    def import_model(
        self,
        path: str,
        *,
        family: Optional[str] = None,
        copy: bool = False,
        model_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        """POST /v1/models/imports: use a model file or folder already on this machine.

        Returns the installed model as JSON. Raises InvalidRequest (BRIDGE-6002: unsafe,
        unreadable or of no supported family; the message says what it looks like), Conflict
        (BRIDGE-6007: the id is taken), Unauthorized, connection errors.
        """
        body: Dict[str, Any] = {"path": str(path), "copy": bool(copy)}
        if family is not None:
            body["family"] = family
        if model_id is not None:
            body["id"] = model_id
        return self._json("POST", "/models/imports", body=body, ok=(201,))

    def verify_model(self, model_id: str) -> Dict[str, Any]:
        """POST /v1/models/{id}/verify: ``{"id", "ok", "problems": [...]}``. NotFound: BRIDGE-6001."""
        return self._json("POST", "/models/" + _quote(model_id) + "/verify", body={})

    def remove_model(self, model_id: str) -> Dict[str, Any]:
        """DELETE /v1/models/{id}: the model as it was. NotFound: BRIDGE-6001.

        A referenced import is only forgotten; the user's files stay where they are.
        """
        return self._json("DELETE", "/models/" + _quote(model_id))

    def job(self, job_id: str) -> Job:
        """GET /v1/jobs/{id}. Raises NotFound (BRIDGE-3010), Unauthorized, connection errors."""
        return Job.from_json(self._json("GET", "/jobs/" + _quote(job_id)))

    def jobs(
        self, status: Union[None, str, Iterable[str]] = None, limit: Optional[int] = None
    ) -> List[Job]:
        """GET /v1/jobs, newest first, optionally filtered by status (one or several of
        queued, running, succeeded, failed, cancelled) and capped at ``limit``.

        Raises InvalidRequest for a bad filter, Unauthorized, connection errors.
        """
        query: Dict[str, str] = {}
        if status is not None:
            query["status"] = status if isinstance(status, str) else ",".join(status)
        if limit is not None:
            query["limit"] = str(int(limit))
        path = "/jobs" + ("?" + urlencode(query) if query else "")
        doc = self._json("GET", path)
        items = doc.get("jobs") if isinstance(doc, dict) else None
        if not isinstance(items, list):
            raise ProtocolError(CLIENT_PROTOCOL, "job list answer has no 'jobs' array")
        return [Job.from_json(item) for item in items]

    def cancel(self, job_id: str) -> Job:
        """DELETE /v1/jobs/{id}: cancel a queued or running job and return it.

        A queued job becomes ``cancelled`` at once; a running one stops at its next step
        (the returned job may still say ``running``: follow :meth:`wait`); a finished job
        comes back unchanged. Raises NotFound (BRIDGE-3010), Unauthorized, connection errors.
        """
        return Job.from_json(self._json("DELETE", "/jobs/" + _quote(job_id)))

    def events(
        self,
        job_id: str,
        *,
        timeout: Optional[float] = None,
        last_event_id: Optional[str] = None,
    ) -> Iterator[Event]:
        """GET /v1/jobs/{id}/events: yield the job's events as they arrive.

        A late caller first gets the events so far, then live ones; the generator ends
        after the terminal event (done, failed, cancelled) or when the daemon closes the
        stream. The request is sent on the first ``next()``, so errors surface there.
        Closing the generator (or leaving a ``for`` loop) closes the connection.

        ``timeout`` bounds the whole stream in seconds (None: no bound; silence is still
        bounded by ``idle_timeout``). Raises NotFound (BRIDGE-3010), Unauthorized,
        BridgeTimeout, BridgeConnectionError when the stream breaks, ProtocolError for a
        malformed stream.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        path = API_PREFIX + "/jobs/" + _quote(job_id) + "/events"
        conn = self._connection(_remaining(deadline, self.timeout))
        response = None
        try:
            with self._translating("GET", path):
                conn.request("GET", self._base + path, headers=self._headers(headers))
                # getresponse() may hand the socket over to the response and clear
                # conn.sock (Connection: close), so keep our own handle for timeouts.
                sock = conn.sock
                response = conn.getresponse()
            if response.status != 200:
                with self._translating("GET", path):
                    body = response.read()
                raise error_from_response(
                    response.status,
                    body,
                    reason=response.reason,
                    content_type=response.getheader("Content-Type", ""),
                )
            content_type = response.getheader("Content-Type", "") or ""
            if not content_type.startswith("text/event-stream"):
                raise ProtocolError(
                    CLIENT_PROTOCOL,
                    "event stream answered with Content-Type {!r}".format(content_type),
                )
            parser = SseParser()
            while True:
                if deadline is not None and time.monotonic() >= deadline:
                    raise BridgeTimeout(
                        CLIENT_TIMEOUT, "no terminal event for job {} within {} s".format(job_id, timeout)
                    )
                if sock is not None:
                    sock.settimeout(_remaining(deadline, self.idle_timeout))
                with self._translating("GET", path):
                    chunk = response.read1(_READ_SIZE)
                if not chunk:
                    parser.finish()
                    return
                for message in parser.feed(chunk):
                    event = decode_event(message)
                    yield event
                    if event.is_terminal:
                        return
        finally:
            if response is not None:
                response.close()
            conn.close()

    def wait(
        self,
        job_id: str,
        on_event: Optional[Callable[[Event], Any]] = None,
        timeout: Optional[float] = None,
    ) -> Job:
        """Follow a job's events until it ends; return the succeeded Job.

        ``on_event`` is called with each Event in order (in the calling thread); an
        exception it raises stops the wait and propagates, and the job keeps running. If
        the event stream drops before the end, the job is polled and the stream reopened;
        the daemon then replays the job's events so far, and those already delivered are
        dropped (SSE ids restart on each connection, so this compares event content).

        Raises JobFailed (with the job's code/message/details and ``.job``),
        JobCancelled, BridgeTimeout when ``timeout`` seconds pass first (the job is not
        cancelled), NotFound (BRIDGE-3010), and the connection errors.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        delivered = _Delivered()
        drops = 0
        while True:
            broken: Optional[BridgeConnectionError] = None
            idle = False
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            delivered.new_stream()
            stream = self.events(job_id, timeout=remaining)
            try:
                for event in stream:
                    if delivered.is_new(event) and on_event is not None:
                        on_event(event)
            except BridgeTimeout:
                if deadline is not None and time.monotonic() >= deadline:
                    raise BridgeTimeout(
                        CLIENT_TIMEOUT, "job {} did not finish within {} s".format(job_id, timeout)
                    )
                # Only the idle timeout fired: a job may wait silently in the queue for
                # long, so check on it and listen again instead of failing.
                idle = True
            except DaemonNotRunning:
                raise
            except BridgeConnectionError as exc:
                # A broken stream is not the job's end: ask the job below, then reconnect.
                broken = exc
            finally:
                stream.close()
            # The stream ended (normally after the terminal event): the job itself is the
            # authority on the outcome, and carries outputs and recipe.
            job = self.job(job_id)
            if job.is_finished:
                return _outcome(job)
            if deadline is not None and time.monotonic() >= deadline:
                raise BridgeTimeout(
                    CLIENT_TIMEOUT, "job {} did not finish within {} s".format(job_id, timeout)
                )
            if not idle:
                drops += 1
                if drops > _MAX_RECONNECTS:
                    if broken is not None:
                        raise broken
                    raise BridgeConnectionError(
                        CLIENT_CONNECTION,
                        "event stream of job {} keeps ending while the job is {}".format(
                            job_id, job.status
                        ),
                    )
                time.sleep(_RECONNECT_PAUSE)

    # --- plumbing ----------------------------------------------------------------

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        """A new, not yet connected HTTP connection (tests replace this to record calls)."""
        if self._https:
            return http.client.HTTPSConnection(self._host, self._port, timeout=timeout)
        return http.client.HTTPConnection(self._host, self._port, timeout=timeout)

    def _headers(self, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        headers = {"User-Agent": "creative-bridge-python/{}".format(PROTOCOL_VERSION)}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if extra:
            headers.update(extra)
        return headers

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Optional[Bytes] = None,
        headers: Optional[Mapping[str, str]] = None,
        ok: Tuple[int, ...] = (200,),
        timeout: Optional[float] = None,
    ) -> _Response:
        """Send one request on a fresh connection and read the whole answer.

        Raises the typed error of the daemon's error body for any status not in ``ok``,
        and DaemonNotRunning/BridgeTimeout/BridgeConnectionError for transport failures.
        """
        conn = self._connection(self.timeout if timeout is None else timeout)
        try:
            with self._translating(method, path):
                try:
                    conn.request(method, self._base + path, body=body, headers=self._headers(headers))
                except (BrokenPipeError, ConnectionResetError):
                    # A server may answer before reading a large body (blob too large,
                    # bad token) and close; its answer explains more than a broken pipe.
                    early = _early_response(conn)
                    if early is None:
                        raise
                    response, data = early
                else:
                    response = conn.getresponse()
                    data = response.read()
        finally:
            conn.close()
        result = _Response(response.status, response.reason, response.msg, data)
        if response.status not in ok:
            raise error_from_response(
                response.status, data, reason=response.reason, content_type=result.content_type
            )
        return result

    def _json(
        self,
        method: str,
        path: str,
        *,
        body: Optional[Any] = None,
        ok: Tuple[int, ...] = (200,),
    ) -> Any:
        """A JSON call under /v1: encode ``body``, decode the answer."""
        payload = None
        headers = {"Accept": "application/json"}
        if body is not None:
            payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        response = self._call(method, API_PREFIX + path, body=payload, headers=headers, ok=ok)
        return _decode_json(response)

    def _translating(self, method: str, path: str) -> "_TransportErrors":
        return _TransportErrors(self.url, method + " " + path)


class _TransportErrors:
    """Context manager turning socket/http.client exceptions into BridgeErrors."""

    def __init__(self, url: str, what: str) -> None:
        self.url = url
        self.what = what

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if exc is None or isinstance(exc, BridgeError):
            return False
        # socket.timeout is an OSError subclass before 3.10 and TimeoutError after:
        # test it before the generic OSError branch.
        if isinstance(exc, (socket.timeout, TimeoutError)):
            raise BridgeTimeout(
                CLIENT_TIMEOUT, "{} to {} timed out".format(self.what, self.url), {"url": self.url}
            ) from exc
        if isinstance(exc, ConnectionRefusedError):
            raise DaemonNotRunning(
                CLIENT_DAEMON_NOT_RUNNING,
                "The Creative Bridge daemon is not running: nothing answers at {} (connection "
                "refused). {}".format(self.url, discovery.START_HINT),
                {"url": self.url},
            ) from exc
        if isinstance(exc, (http.client.HTTPException, OSError)):
            raise BridgeConnectionError(
                CLIENT_CONNECTION,
                "{} to {} failed: {}".format(self.what, self.url, exc or type(exc).__name__),
                {"url": self.url},
            ) from exc
        return False


def discover(
    home: Optional[discovery.PathLike] = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    check: bool = True,
) -> BridgeClient:
    """Find the local daemon and return a client for it.

    Reads endpoint.json and the token from BRIDGE_HOME (``home``, else the BRIDGE_HOME
    environment variable, else the platform default of WIRE.md). With ``check`` (the
    default) it also calls /v1/health, so a stale endpoint.json left by a crashed daemon
    is reported now rather than at the first real call.

    Raises:
        DaemonNotRunning: no endpoint.json, or nothing answers at its URL; the message
            says to start ``bridge serve``.
        Unauthorized: the token file is missing (code CLIENT-NO-TOKEN).
        ProtocolError: the daemon speaks another protocol version.
        BridgeTimeout, BridgeConnectionError: the health check failed otherwise.
    """
    endpoint = discovery.read_endpoint(home)
    token = endpoint.token or discovery.read_token(endpoint.home)
    if endpoint.protocol is not None and endpoint.protocol != PROTOCOL_VERSION:
        raise ProtocolError(
            CLIENT_PROTOCOL,
            "the daemon speaks protocol {}, this client speaks {}; update the plugin or the "
            "daemon".format(endpoint.protocol, PROTOCOL_VERSION),
            {"daemon_protocol": endpoint.protocol},
        )
    client = BridgeClient(endpoint.url, token, timeout=timeout)
    if check:
        health = client.health()
        if health.protocol and health.protocol != PROTOCOL_VERSION:
            raise ProtocolError(
                CLIENT_PROTOCOL,
                "the daemon speaks protocol {}, this client speaks {}".format(
                    health.protocol, PROTOCOL_VERSION
                ),
                {"daemon_protocol": health.protocol},
            )
    return client


class _Delivered:
    """What :meth:`BridgeClient.wait` passed to ``on_event``, to drop replayed events.

    A reconnected stream first repeats the job's events so far (with progress coalesced)
    and numbers them from 1 again, so ids cannot tell old from new. Instead the n-th
    occurrence of an event (by type, and stage name or preview id) on a stream is new
    only if fewer than n were delivered; progress is new when it is higher than any
    delivered; terminal events are always new.
    """

    def __init__(self) -> None:
        self._delivered: Dict[Tuple[str, Optional[str]], int] = {}
        self._on_stream: Dict[Tuple[str, Optional[str]], int] = {}
        self._progress = -1.0
        self._streams = 0

    def new_stream(self) -> None:
        """Call before reading each (re)opened stream."""
        self._on_stream = {}
        self._streams += 1

    def is_new(self, event: Event) -> bool:
        """Whether ``event`` has not been delivered yet; records it when new."""
        if event.is_terminal:
            return True
        if event.type == "progress":
            value = event.progress
            if value is None:
                return True
            if self._streams > 1 and value <= self._progress:
                return False
            self._progress = max(self._progress, value)
            return True
        key = (event.type, event.stage if event.type == "stage" else event.preview)
        count = self._on_stream.get(key, 0) + 1
        self._on_stream[key] = count
        if count <= self._delivered.get(key, 0):
            return False
        self._delivered[key] = count
        return True


def _outcome(job: Job) -> Job:
    """Return a succeeded job; raise JobFailed/JobCancelled for the other endings."""
    if job.status == SUCCEEDED:
        return job
    if job.status == CANCELLED:
        raise JobCancelled(job.id, job=job)
    if job.status == FAILED:
        error = job.error
        if error is None:
            raise JobFailed("BRIDGE-5000", "job {} failed without an error".format(job.id), job=job)
        raise JobFailed(error.code, error.message, error.details, job=job)
    raise ProtocolError(CLIENT_PROTOCOL, "job {} has unknown status {!r}".format(job.id, job.status))


def _early_response(conn: http.client.HTTPConnection) -> Optional[Tuple[http.client.HTTPResponse, bytes]]:
    """The answer a server sent before the request body was fully written, if readable."""
    try:
        response = conn.getresponse()
        return response, response.read()
    except (OSError, http.client.HTTPException):
        return None


def _decode_json(response: _Response) -> Any:
    try:
        return json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(
            CLIENT_PROTOCOL,
            "expected JSON from the daemon (HTTP {}), got {!r}: {}".format(
                response.status, response.body[:120], exc
            ),
            http_status=response.status,
        )


def _byte_view(data: Bytes) -> memoryview:
    """A flat unsigned-byte view of a bytes-like object, without copying."""
    view = data if isinstance(data, memoryview) else memoryview(data)
    if view.format != "B" or view.ndim != 1:
        # cast() requires C-contiguous memory; a strided view would need a copy, which the
        # caller should make knowingly.
        if not view.c_contiguous:
            raise ValueError("pixel/blob data must be C-contiguous")
        view = view.cast("B")
    return view


def _blob_id(ref: BlobRef) -> str:
    return ref.id if isinstance(ref, BlobInfo) else str(ref)


def _blob_path(blob_id: str) -> str:
    return API_PREFIX + "/blobs/" + _quote(blob_id)


def _quote(segment: str) -> str:
    # ':' is legal in a path segment and keeps blob ids readable in logs; everything else
    # that could change the path (/, ?, #, %) is escaped.
    return quote(segment, safe=":")


def _remaining(deadline: Optional[float], cap: float) -> float:
    if deadline is None:
        return cap
    return max(0.001, min(cap, deadline - time.monotonic()))


def _same_media_type(a: str, b: str) -> bool:
    """Whether two media types name the same thing (raw types compared by their params)."""
    raw_a, raw_b = parse_raw_image_type(a), parse_raw_image_type(b)
    if raw_a is not None or raw_b is not None:
        return raw_a == raw_b
    return a.split(";")[0].strip().lower() == b.split(";")[0].strip().lower()
