"""A small scripted stand-in for the daemon, for unit tests of the client's HTTP layer.

It speaks enough of wire protocol v1 (auth, blobs, jobs, chunked SSE) to check what the
client sends and how it reads answers, and can misbehave on purpose (drop a stream,
answer HTML, stall). The live tests check the real daemon.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple, Union
from urllib.parse import parse_qs, unquote, urlsplit

ABORT = object()  # in a stream script: cut the connection without ending the stream

Script = List[Union[bytes, Callable[["FakeDaemon"], None], object]]


def sse(event: str, data: Dict[str, Any], event_id: Optional[int] = None) -> bytes:
    """One SSE event as the daemon frames it."""
    out = b""
    if event_id is not None:
        out += "id: {}\n".format(event_id).encode()
    out += "event: {}\ndata: {}\n\n".format(event, json.dumps(data)).encode()
    return out


class FakeDaemon:
    """Runs in a background thread of the test process (the client has none)."""

    def __init__(self, token: str = "secret") -> None:
        self.token = token
        self.blobs: Dict[str, Tuple[bytes, str]] = {}
        self.jobs: Dict[str, Dict[str, Any]] = {}
        self.requests: List[Tuple[str, str, Dict[str, str], int]] = []
        self.streams: Dict[str, List[Script]] = {}
        self.raw_routes: Dict[str, Tuple[int, str, bytes]] = {}
        self.stall_seconds = 0.0
        self.max_blob_bytes = 1 << 30
        self._counter = 0
        self._lock = threading.Lock()
        daemon = self

        class Handler(_Handler):
            fake = daemon

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return "http://127.0.0.1:{}".format(self.server.server_address[1])

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_job(self, job_id: str, status: str = "queued", **fields: Any) -> Dict[str, Any]:
        job = {
            "id": job_id,
            "task": "image.inpaint",
            "engine": "auto",
            "status": status,
            "priority": "interactive",
            "inputs": {},
            "params": {},
            "output_format": "png",
            "created_at": "2025-01-01T00:00:00Z",
            "progress": 0.0,
        }
        job.update(fields)
        self.jobs[job_id] = job
        return job

    def methods(self) -> List[str]:
        return [r[0] for r in self.requests]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-stream (timeouts, on_event aborts) are expected here.
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeDaemon

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        pass

    # --- helpers ---------------------------------------------------------------

    def _send(self, status: int, body: bytes = b"", content_type: str = "application/json", head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _json(self, status: int, doc: Any) -> None:
        self._send(status, json.dumps(doc).encode())

    def _error(self, status: int, code: str, message: str, details: Optional[dict] = None) -> None:
        self._json(status, {"error": {"code": code, "message": message, "details": details or {}}})

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _route(self, method: str) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if method == "PUT" and int(self.headers.get("Content-Length") or 0) > fake.max_blob_bytes:
            # Answer without reading the body, then drop the connection (like a server
            # enforcing its limit): the client sees a broken pipe while sending.
            fake.requests.append((method, self.path, dict(self.headers.items()), -1))
            self._error(413, "BRIDGE-2002", "The blob is over the size limit.", {"max_bytes": fake.max_blob_bytes})
            self.wfile.flush()
            self.close_connection = True
            return
        body = self._body() if method in ("PUT", "POST") else b""
        fake.requests.append((method, self.path, dict(self.headers.items()), len(body)))
        if fake.stall_seconds:
            time.sleep(fake.stall_seconds)
        if path in fake.raw_routes:
            status, ctype, raw = fake.raw_routes[path]
            return self._send(status, raw, ctype, head=method == "HEAD")
        if path == "/v1/health" and method == "GET":
            return self._json(200, {"status": "ok", "version": "0.1.0-test", "protocol": 1})
        if self.headers.get("Authorization") != "Bearer " + fake.token:
            if method == "HEAD":
                return self._send(401, head=True)
            return self._error(401, "BRIDGE-1001", "Missing or wrong bearer token.")
        if path == "/v1/capabilities" and method == "GET":
            return self._json(200, CAPABILITIES)
        if path == "/v1/blobs" and method == "PUT":
            ctype = self.headers.get("Content-Type")
            if not ctype:
                return self._error(415, "BRIDGE-1009", "Content-Type required.")
            blob_id = "sha256:" + hashlib.sha256(body).hexdigest()
            existed = blob_id in fake.blobs
            fake.blobs.setdefault(blob_id, (body, ctype))
            return self._json(200 if existed else 201, {"id": blob_id, "size": len(body), "type": fake.blobs[blob_id][1]})
        if path.startswith("/v1/blobs/") and method in ("GET", "HEAD"):
            blob_id = path[len("/v1/blobs/"):]
            if blob_id not in fake.blobs:
                if method == "HEAD":
                    return self._send(404, head=True)
                return self._error(404, "BRIDGE-2001", "No blob with that id.", {"id": blob_id})
            data, ctype = fake.blobs[blob_id]
            return self._send(200, data, ctype, head=method == "HEAD")
        if path == "/v1/jobs" and method == "POST":
            req = json.loads(body)
            with fake._lock:
                fake._counter += 1
                job_id = req.get("id") or "job{}".format(fake._counter)
            if job_id in fake.jobs:
                return self._error(409, "BRIDGE-3011", "A job with that id already exists.")
            job = fake.add_job(job_id, inputs=req["inputs"], params=req.get("params", {}),
                               engine=req.get("engine", "auto"), output_format=req.get("output_format", "png"))
            job["request"] = req
            return self._json(202, job)
        if path == "/v1/jobs" and method == "GET":
            query = parse_qs(parts.query)
            wanted = query.get("status", [""])[0].split(",") if "status" in query else None
            jobs = [j for j in fake.jobs.values() if wanted is None or j["status"] in wanted]
            jobs.reverse()
            if "limit" in query:
                jobs = jobs[: int(query["limit"][0])]
            return self._json(200, {"jobs": jobs})
        if path.startswith("/v1/jobs/"):
            rest = path[len("/v1/jobs/"):]
            if rest.endswith("/events") and method == "GET":
                return self._events(rest[: -len("/events")])
            job = fake.jobs.get(rest)
            if job is None:
                return self._error(404, "BRIDGE-3010", "No job with that id.", {"id": rest})
            if method == "DELETE" and job["status"] in ("queued", "running"):
                job["status"] = "cancelled"
            if method in ("GET", "DELETE"):
                return self._json(200, job)
        return self._error(404, "BRIDGE-1004", "No such endpoint.")

    def _events(self, job_id: str) -> None:
        fake = self.fake
        if job_id not in fake.jobs:
            return self._error(404, "BRIDGE-3010", "No job with that id.")
        scripts = fake.streams.get(job_id) or [[]]
        script = scripts.pop(0) if len(scripts) > 1 else scripts[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for item in script:
            if item is ABORT:
                self.wfile.flush()
                self.close_connection = True
                # Cut the TCP connection mid-stream (no final zero-length chunk).
                self.connection.shutdown(2)
                return
            if callable(item):
                item(fake)
                continue
            if isinstance(item, (int, float)):
                time.sleep(item)
                continue
            self.wfile.write(b"%x\r\n%s\r\n" % (len(item), item))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def do_GET(self) -> None:
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")


CAPABILITIES = {
    "protocol": 1,
    "version": "0.1.0-test",
    "tasks": [
        {
            "task": "image.inpaint",
            "description": "Fill the masked region.",
            "inputs": [
                {"name": "image", "kind": "image", "required": True, "description": "The picture."},
                {"name": "mask", "kind": "image", "required": True, "description": "Where to fill."},
            ],
            "outputs": ["image"],
            "params_schema": {"type": "object"},
            "engines": [
                {"id": "builtin.patchmatch", "kind": "builtin", "description": "PatchMatch", "device": "cpu", "ready": True}
            ],
            "future_field": [1, 2, 3],
        }
    ],
}
