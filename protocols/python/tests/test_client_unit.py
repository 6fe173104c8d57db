"""The client's HTTP layer against a scripted fake daemon (fakedaemon.py)."""

from __future__ import annotations

import hashlib
import http.client
import json
import time

import pytest

from bridge_client import (
    BlobInfo,
    BridgeClient,
    BridgeConnectionError,
    BridgeTimeout,
    Event,
    InvalidRequest,
    JobCancelled,
    JobFailed,
    NotFound,
    ProtocolError,
    ServerError,
    Unauthorized,
)
from fakedaemon import ABORT, FakeDaemon, sse

PNG_TYPE = "image/png"


@pytest.fixture
def fake():
    server = FakeDaemon(token="secret")
    yield server
    server.close()


@pytest.fixture
def client(fake):
    return BridgeClient(fake.url, "secret", timeout=5, idle_timeout=5)


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class RecordingConnection(http.client.HTTPConnection):
    """Records the body object handed to request() (to check nothing is copied)."""

    bodies: list = []

    def request(self, method, url, body=None, headers=None, **kwargs):
        RecordingConnection.bodies.append((method, body))
        super().request(method, url, body=body, headers=headers or {}, **kwargs)


# --- blobs -------------------------------------------------------------------


def test_put_blob_heads_first_and_skips_known_bytes(fake, client):
    data = b"\x89PNG fake bytes"
    info = client.put_blob(data, PNG_TYPE)
    assert info == BlobInfo(sha(data), len(data), PNG_TYPE)
    assert fake.methods() == ["HEAD", "PUT"]
    put = fake.requests[1]
    assert put[2]["Content-Type"] == PNG_TYPE and put[2]["Authorization"] == "Bearer secret"
    assert put[3] == len(data)
    assert fake.requests[0][1] == "/v1/blobs/" + sha(data)

    again = client.put_blob(bytearray(data), PNG_TYPE)
    assert again == info
    assert fake.methods() == ["HEAD", "PUT", "HEAD"]  # no second upload


def test_put_blob_without_head(fake, client):
    client.put_blob(b"abc", "application/octet-stream", skip_existing=False)
    assert fake.methods() == ["PUT"]


def test_put_blob_sends_the_callers_buffer_without_copying(fake, client, monkeypatch):
    RecordingConnection.bodies = []
    monkeypatch.setattr(client, "_connection", lambda timeout: RecordingConnection(client._host, client._port, timeout=timeout))
    data = bytes(range(256)) * 100
    client.put_blob(data, "application/octet-stream")
    method, body = RecordingConnection.bodies[-1]
    assert method == "PUT"
    assert isinstance(body, memoryview) and body.obj is data
    assert fake.blobs[sha(data)][0] == data


def test_put_raw_image_builds_the_media_type(fake, client):
    pixels = bytearray(range(32))
    info = client.put_raw_image(memoryview(pixels), 4, 2)
    assert info.type == "image/x-raw; width=4; height=2; format=rgba8"
    assert fake.blobs[info.id][1] == info.type
    with pytest.raises(ValueError):
        client.put_raw_image(b"\x00" * 31, 4, 2)
    with pytest.raises(ValueError):
        client.put_raw_image(b"\x00" * 32, 4, 2, fmt="rgb8")


def test_put_raw_image_accepts_multidimensional_views(fake, client):
    import array

    pixels = array.array("H", range(16))  # 32 bytes of 16-bit samples = 2x2 rgba16
    info = client.put_raw_image(pixels, 2, 2, fmt="rgba16")
    assert fake.blobs[info.id][0] == pixels.tobytes()


def test_same_bytes_with_another_raw_shape_are_uploaded(fake, client):
    pixels = bytes(range(32))
    client.put_raw_image(pixels, 4, 2)
    client.put_raw_image(pixels, 2, 4)
    # The second HEAD reports the 4x2 type: the client must not assume it is 2x4.
    assert fake.methods() == ["HEAD", "PUT", "HEAD", "PUT"]


def test_put_blob_requires_content_type(client):
    with pytest.raises(ValueError):
        client.put_blob(b"x", "")


def test_put_blob_rejects_a_wrong_id_from_the_daemon(fake, client):
    fake.raw_routes["/v1/blobs"] = (201, "application/json", json.dumps({"id": "sha256:" + "0" * 64, "size": 1, "type": "x/y"}).encode())
    with pytest.raises(ProtocolError):
        client.put_blob(b"z", "x/y", skip_existing=False)


def test_get_blob_round_trip_and_verification(fake, client):
    info = client.put_blob(b"hello", "text/plain")
    assert client.get_blob(info) == (b"hello", "text/plain")
    fake.blobs[info.id] = (b"tampered", "text/plain")
    with pytest.raises(ProtocolError):
        client.get_blob(info.id)
    assert client.get_blob(info.id, verify=False)[0] == b"tampered"


def test_get_missing_blob(client):
    with pytest.raises(NotFound) as info:
        client.get_blob("sha256:" + "1" * 64)
    assert info.value.code == "BRIDGE-2001" and info.value.http_status == 404


def test_blob_info(client):
    assert client.blob_info("sha256:" + "2" * 64) is None
    info = client.put_blob(b"abc", "text/plain")
    assert client.blob_info(info.id) == BlobInfo(info.id, 3, "text/plain")


# --- auth and errors ---------------------------------------------------------


def test_health_needs_no_token(fake):
    assert BridgeClient(fake.url).health().status == "ok"
    assert "Authorization" not in fake.requests[-1][2]


@pytest.mark.parametrize("token", [None, "wrong"])
def test_wrong_or_missing_token(fake, token):
    client = BridgeClient(fake.url, token)
    with pytest.raises(Unauthorized) as info:
        client.capabilities()
    assert info.value.code == "BRIDGE-1001" and info.value.http_status == 401
    with pytest.raises(Unauthorized):
        client.blob_info("sha256:" + "3" * 64)  # HEAD: no body, still typed


def test_html_error_page_is_readable(fake, client):
    fake.raw_routes["/v1/capabilities"] = (502, "text/html", b"<h1>Bad Gateway</h1>")
    with pytest.raises(ServerError) as info:
        client.capabilities()
    assert "502" in str(info.value) and "Bad Gateway" in str(info.value)


def test_non_json_success_body_is_a_protocol_error(fake, client):
    fake.raw_routes["/v1/capabilities"] = (200, "text/plain", b"hello")
    with pytest.raises(ProtocolError):
        client.capabilities()


def test_request_timeout(fake):
    fake.stall_seconds = 2
    client = BridgeClient(fake.url, "secret", timeout=0.3)
    start = time.monotonic()
    with pytest.raises(BridgeTimeout) as info:
        client.health()
    assert time.monotonic() - start < 1.5
    assert info.value.code == "CLIENT-TIMEOUT"


# --- jobs --------------------------------------------------------------------


def test_submit_request_body(fake, client):
    image = client.put_blob(b"img", PNG_TYPE)
    job = client.submit("image.inpaint", {"image": image, "mask": "sha256:" + "4" * 64})
    req = fake.jobs[job.id]["request"]
    assert req == {
        "task": "image.inpaint",
        "inputs": {"image": image.id, "mask": "sha256:" + "4" * 64},
        "engine": "auto",
        "priority": "interactive",
        "output_format": "png",
    }
    assert job.status == "queued"
    job2 = client.submit("image.inpaint", {"image": image.id}, {"seed": 1}, engine="builtin.patchmatch",
                         priority="batch", output_format="raw", job_id="my-job.1")
    req2 = fake.jobs["my-job.1"]["request"]
    assert job2.id == "my-job.1"
    assert req2["params"] == {"seed": 1} and req2["engine"] == "builtin.patchmatch"
    assert req2["priority"] == "batch" and req2["output_format"] == "raw" and req2["id"] == "my-job.1"
    post = [r for r in fake.requests if r[0] == "POST"][-1]
    assert post[2]["Content-Type"] == "application/json"


def test_job_list_cancel_and_quoting(fake, client):
    fake.add_job("a", "succeeded")
    fake.add_job("b", "running")
    fake.add_job("c", "queued")
    assert [j.id for j in client.jobs(status="succeeded")] == ["a"]
    assert [j.id for j in client.jobs(status=["queued", "running"])] == ["c", "b"]
    assert fake.requests[-1][1] == "/v1/jobs?status=queued%2Crunning"
    assert len(client.jobs(limit=2)) == 2
    assert client.cancel("c").status == "cancelled"
    assert client.cancel("a").status == "succeeded"
    with pytest.raises(NotFound) as info:
        client.job("x/../y?z")
    assert info.value.code == "BRIDGE-3010"
    assert fake.requests[-1][1] == "/v1/jobs/x%2F..%2Fy%3Fz"


def stream(job_id, *items):
    return [sse(t, dict({"type": t, "job": job_id}, **d), i) for i, (t, d) in enumerate(items, 1)]


def finish(job_id, status, **fields):
    def update(fake):
        fake.jobs[job_id].update(status=status, **fields)
    return update


def test_events_stop_after_terminal_event(fake, client):
    fake.add_job("j")
    fake.streams["j"] = [[b": hi\n\n"] + stream("j", ("queued", {}), ("started", {}), ("progress", {"progress": 0.5}),
                                               ("done", {"outputs": {"image": "sha256:9"}}))
                         + [sse("progress", {"type": "progress", "job": "j"})]]
    events = list(client.events("j"))
    assert [e.type for e in events] == ["queued", "started", "progress", "done"]
    assert events[2].progress == 0.5 and events[3].outputs == {"image": "sha256:9"}
    assert [e.id for e in events] == ["1", "2", "3", "4"]


def test_events_unknown_job(client):
    with pytest.raises(NotFound):
        next(client.events("nope"))


def test_events_wrong_content_type(fake, client):
    fake.raw_routes["/v1/jobs/j/events"] = (200, "application/json", b"{}")
    with pytest.raises(ProtocolError):
        next(client.events("j"))


def test_wait_returns_the_succeeded_job(fake, client):
    fake.add_job("j")
    fake.streams["j"] = [[*stream("j", ("queued", {}), ("started", {}), ("progress", {"progress": 0.3})),
                          finish("j", "succeeded", outputs={"image": "sha256:77"}),
                          sse("done", {"type": "done", "job": "j", "outputs": {"image": "sha256:77"}}, 4)]]
    seen = []
    job = client.wait("j", on_event=seen.append)
    assert job.status == "succeeded" and job.output() == "sha256:77"
    assert [e.type for e in seen] == ["queued", "started", "progress", "done"]
    assert all(isinstance(e, Event) for e in seen)


def test_wait_raises_job_failed_with_the_jobs_error(fake, client):
    error = {"code": "BRIDGE-4002", "message": "engine failed", "details": {"step": 2}}
    fake.add_job("j")
    fake.streams["j"] = [[finish("j", "failed", error=error), sse("failed", {"type": "failed", "job": "j", "error": error})]]
    with pytest.raises(JobFailed) as info:
        client.wait("j")
    assert (info.value.code, info.value.message, info.value.details) == ("BRIDGE-4002", "engine failed", {"step": 2})
    assert info.value.job.status == "failed"


def test_wait_raises_job_cancelled(fake, client):
    fake.add_job("j")
    fake.streams["j"] = [[finish("j", "cancelled"), sse("cancelled", {"type": "cancelled", "job": "j"})]]
    with pytest.raises(JobCancelled) as info:
        client.wait("j")
    assert info.value.job_id == "j" and info.value.job.status == "cancelled"


def test_wait_reconnects_after_a_dropped_stream_without_repeating_events(fake, client):
    fake.add_job("j", "running")
    # The daemon numbers events per connection and coalesces progress on replay.
    first = stream("j", ("queued", {}), ("started", {}), ("stage", {"stage": "a"}),
                   ("progress", {"progress": 0.1}), ("progress", {"progress": 0.2}))
    replay = stream("j", ("queued", {}), ("started", {}), ("stage", {"stage": "a"}),
                    ("progress", {"progress": 0.2}), ("progress", {"progress": 0.3}),
                    ("stage", {"stage": "b"}), ("stage", {"stage": "a"}), ("progress", {"progress": 0.5}),
                    ("done", {}))
    fake.streams["j"] = [first + [ABORT], replay[:-1] + [finish("j", "succeeded", outputs={"image": "sha256:5"})] + replay[-1:]]
    seen = []
    job = client.wait("j", on_event=lambda e: seen.append((e.type, e.stage or e.progress)))
    assert job.output() == "sha256:5"
    assert seen == [
        ("queued", None), ("started", None), ("stage", "a"), ("progress", 0.1), ("progress", 0.2),
        ("progress", 0.3), ("stage", "b"), ("stage", "a"), ("progress", 0.5), ("done", None),
    ]
    assert len([r for r in fake.requests if r[1].endswith("/events")]) == 2


def test_wait_when_the_stream_ends_without_terminal_event_but_the_job_finished(fake, client):
    fake.add_job("j")
    fake.streams["j"] = [[*stream("j", ("queued", {})), finish("j", "succeeded", outputs={"image": "sha256:1"})]]
    assert client.wait("j").output() == "sha256:1"


def test_wait_gives_up_when_the_stream_keeps_ending(fake, client, monkeypatch):
    import bridge_client.client as module

    monkeypatch.setattr(module, "_RECONNECT_PAUSE", 0.01)
    fake.add_job("j", "running")
    fake.streams["j"] = [[]]
    with pytest.raises(BridgeConnectionError):
        client.wait("j")


def test_wait_timeout_does_not_cancel(fake, client):
    fake.add_job("j", "running")
    fake.streams["j"] = [[*stream("j", ("started", {})), 3.0]]
    start = time.monotonic()
    with pytest.raises(BridgeTimeout) as info:
        client.wait("j", timeout=0.5)
    assert time.monotonic() - start < 2.5
    assert "did not finish" in str(info.value)
    assert not any(r[0] == "DELETE" for r in fake.requests)


def test_events_idle_timeout(fake):
    fake.add_job("j", "running")
    fake.streams["j"] = [[*stream("j", ("started", {})), 3.0]]
    client = BridgeClient(fake.url, "secret", idle_timeout=0.3)
    events = client.events("j")
    assert next(events).type == "started"
    with pytest.raises(BridgeTimeout):
        next(events)


def test_on_event_exception_stops_waiting(fake, client):
    fake.add_job("j", "running")
    fake.streams["j"] = [[*stream("j", ("started", {})), 3.0]]

    class Stop(Exception):
        pass

    def on_event(event):
        raise Stop()

    start = time.monotonic()
    with pytest.raises(Stop):
        client.wait("j", on_event=on_event)
    assert time.monotonic() - start < 2


def test_capabilities(client):
    caps = client.capabilities()
    assert caps.protocol == 1 and caps.task("image.inpaint").engine("builtin.patchmatch").kind == "builtin"


def test_invalid_request_family(fake, client):
    fake.raw_routes["/v1/jobs"] = (400, "application/json", json.dumps(
        {"error": {"code": "BRIDGE-3009", "message": "sizes differ", "details": {"image": [4, 4], "mask": [2, 2]}}}).encode())
    with pytest.raises(InvalidRequest) as info:
        client.submit("image.inpaint", {"image": "sha256:1", "mask": "sha256:2"})
    assert info.value.code == "BRIDGE-3009" and info.value.details["mask"] == [2, 2]


def test_early_error_answer_during_a_large_upload_is_reported(fake, client):
    fake.max_blob_bytes = 1024
    with pytest.raises(InvalidRequest) as info:
        client.put_blob(b"\x00" * (32 * 1024 * 1024), "application/octet-stream", skip_existing=False)
    assert info.value.code == "BRIDGE-2002" and info.value.http_status == 413


def test_wait_survives_idle_timeouts_while_the_job_waits(fake):
    fake.add_job("j", "queued")
    # Two silent streams (longer than the idle timeout), then the job runs and ends.
    fake.streams["j"] = [
        [*stream("j", ("queued", {})), 1.0],
        [*stream("j", ("queued", {})), 1.0],
        [*stream("j", ("queued", {}), ("started", {})), finish("j", "succeeded", outputs={"image": "sha256:3"}),
         sse("done", {"type": "done", "job": "j"}, 3)],
    ]
    client = BridgeClient(fake.url, "secret", idle_timeout=0.3)
    seen = []
    assert client.wait("j", on_event=lambda e: seen.append(e.type), timeout=20).output() == "sha256:3"
    assert seen == ["queued", "started", "done"]
