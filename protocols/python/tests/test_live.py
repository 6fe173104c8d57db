"""The client against a real daemon (`java -jar bridge.jar serve`, see conftest.py)."""

from __future__ import annotations

import http.client
import json
import os
from urllib.parse import urlsplit

import pytest

from bridge_client import (
    BridgeClient,
    BridgeError,
    Conflict,
    Forbidden,
    InvalidRequest,
    JobCancelled,
    NotFound,
    Unauthorized,
    discover,
    parse_raw_image_type,
    png_size,
    raw_image_type,
    read_png_recipe,
)
from pngutil import decode_png, encode_png, pattern_image, rect_mask, to_rgba8

pytestmark = pytest.mark.live

W, H = 48, 40
BOX = (16, 12, 32, 28)  # x0, y0, x1, y1 of the hole
ENGINE = "builtin.patchmatch"


# --- helpers -----------------------------------------------------------------


def raw_request(daemon, method, path, *, body=None, headers=None, token=True):
    """One request with http.client directly, for what the client never sends."""
    parts = urlsplit(daemon.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    all_headers = {}
    if token:
        all_headers["Authorization"] = "Bearer " + daemon.token
    all_headers.update(headers or {})
    try:
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def assert_error_body(answer, code, http_status):
    status, ctype, body = answer
    assert status == http_status, (status, body)
    assert ctype.startswith("application/json"), ctype
    doc = json.loads(body)
    assert doc["error"]["code"] == code, doc
    assert isinstance(doc["error"]["message"], str) and doc["error"]["message"]
    assert isinstance(doc["error"].get("details"), dict), doc


def outside(box, width, height):
    x0, y0, x1, y1 = box
    for y in range(height):
        for x in range(width):
            if not (x0 <= x < x1 and y0 <= y < y1):
                yield x, y


def upload_pair(client, *, width=W, height=H, box=BOX, seed=1):
    pixels = pattern_image(width, height, seed=seed)
    image = client.put_blob(encode_png(width, height, pixels), "image/png")
    mask = client.put_blob(encode_png(width, height, rect_mask(width, height, box), color_type=0), "image/png")
    return pixels, image, mask


def run_job(client, image, mask, params=None, **kwargs):
    job = client.submit("image.inpaint", {"image": image, "mask": mask}, params, **kwargs)
    return client.wait(job.id, timeout=120)


class MethodRecorder:
    """Wraps a client's connection factory and records each request's method and path."""

    def __init__(self, client, monkeypatch):
        self.calls = []
        original = client._connection
        recorder = self

        def factory(timeout):
            conn = original(timeout)
            send = conn.request

            def request(method, url, body=None, headers=None, **kw):
                recorder.calls.append((method, url))
                return send(method, url, body=body, headers=headers or {}, **kw)

            conn.request = request
            return conn

        monkeypatch.setattr(client, "_connection", factory)


# --- service, auth, security -------------------------------------------------


def test_health_needs_no_token(daemon):
    health = BridgeClient(daemon.url).health()
    assert health.status == "ok" and health.protocol == 1 and health.version


def test_wrong_token_is_unauthorized(daemon):
    with pytest.raises(Unauthorized) as info:
        daemon.client("not-the-token").capabilities()
    assert info.value.code == "BRIDGE-1001" and info.value.http_status == 401


def test_missing_token_is_unauthorized(daemon):
    with pytest.raises(Unauthorized) as info:
        daemon.client(None).jobs()
    assert info.value.code == "BRIDGE-1001"


def test_discover_reads_the_daemons_home(daemon):
    client = discover(daemon.home)
    assert client.url == daemon.url and client.token == daemon.token
    assert client.capabilities().protocol == 1


def test_token_file_is_private(daemon):
    if os.name != "posix":
        pytest.skip("file modes are POSIX")
    assert (daemon.home / "token").stat().st_mode & 0o077 == 0


def test_capabilities_lists_inpaint_with_the_builtin_engine(client):
    caps = client.capabilities()
    task = caps.task("image.inpaint")
    assert task is not None
    assert {i.name for i in task.inputs} == {"image", "mask"}
    assert all(i.required for i in task.inputs)
    assert task.outputs == ["image"]
    engine = task.engine(ENGINE)
    assert engine is not None and engine.kind == "builtin" and engine.ready
    assert set(task.params_schema.get("properties", {})) >= {"seed", "grow", "feather", "patch_size", "prompt"}


def test_foreign_host_header_is_refused_before_auth(daemon):
    answer = raw_request(daemon, "GET", "/v1/capabilities", headers={"Host": "evil.example:80"}, token=False)
    assert_error_body(answer, "BRIDGE-1002", 421)


@pytest.mark.parametrize("host", ["localhost:1", "127.0.0.1", "[::1]:9"])
def test_loopback_host_headers_are_accepted(daemon, host):
    status, _ctype, _body = raw_request(daemon, "GET", "/v1/health", headers={"Host": host})
    assert status == 200


def test_origin_header_is_refused(daemon):
    answer = raw_request(daemon, "GET", "/v1/capabilities", headers={"Origin": "http://evil.example"})
    assert_error_body(answer, "BRIDGE-1003", 403)


def test_unknown_endpoint_and_wrong_method(daemon):
    assert_error_body(raw_request(daemon, "GET", "/v1/nothing"), "BRIDGE-1004", 404)
    assert_error_body(raw_request(daemon, "PATCH", "/v1/jobs", body=b"{}", headers={"Content-Type": "application/json"}), "BRIDGE-1005", 405)


def test_malformed_json_body(daemon):
    answer = raw_request(daemon, "POST", "/v1/jobs", body=b"{not json", headers={"Content-Type": "application/json"})
    assert_error_body(answer, "BRIDGE-1007", 400)


def test_put_without_content_type(daemon):
    assert_error_body(raw_request(daemon, "PUT", "/v1/blobs", body=b"abc"), "BRIDGE-1009", 415)


# --- blobs -------------------------------------------------------------------


def test_head_before_put_skips_reupload(client, monkeypatch):
    recorder = MethodRecorder(client, monkeypatch)
    data = encode_png(8, 8, os.urandom(8 * 8 * 4))  # bytes this daemon has never seen
    first = client.put_blob(data, "image/png")
    assert [m for m, _ in recorder.calls] == ["HEAD", "PUT"]
    assert first.size == len(data) and first.type == "image/png"
    second = client.put_blob(memoryview(data), "image/png")
    assert [m for m, _ in recorder.calls] == ["HEAD", "PUT", "HEAD"]
    assert second.id == first.id and second.size == len(data)


def test_blob_round_trip_and_head(client):
    data = encode_png(5, 4, pattern_image(5, 4, seed=9))
    info = client.put_blob(data, "image/png", skip_existing=False)
    assert client.get_blob(info.id) == (data, "image/png")
    head = client.blob_info(info.id)
    assert head.size == len(data) and head.type.startswith("image/png")


def test_percent_encoded_colon_in_blob_path(daemon, client):
    data = encode_png(3, 3, pattern_image(3, 3, seed=4))
    info = client.put_blob(data, "image/png")
    status, ctype, body = raw_request(daemon, "GET", "/v1/blobs/" + info.id.replace(":", "%3A"))
    assert status == 200 and body == data and ctype.startswith("image/png")


def test_unknown_and_malformed_blob_ids(client):
    with pytest.raises(NotFound) as info:
        client.get_blob("sha256:" + "0" * 64)
    assert info.value.code == "BRIDGE-2001"
    with pytest.raises(InvalidRequest) as info:
        client.get_blob("md5:1234", verify=False)
    assert info.value.code == "BRIDGE-2004"
    assert client.blob_info("sha256:" + "0" * 64) is None


def test_putting_same_bytes_twice_answers_200(daemon, client):
    data = encode_png(6, 6, pattern_image(6, 6, seed=77))
    first = raw_request(daemon, "PUT", "/v1/blobs", body=data, headers={"Content-Type": "image/png"})
    second = raw_request(daemon, "PUT", "/v1/blobs", body=data, headers={"Content-Type": "image/png"})
    assert first[0] in (200, 201) and second[0] == 200
    assert json.loads(first[2]) == json.loads(second[2])


# --- jobs --------------------------------------------------------------------


def test_inpaint_png_end_to_end(client):
    pixels, image, mask = upload_pair(client)
    job = client.submit("image.inpaint", {"image": image, "mask": mask}, {"seed": 1234}, engine=ENGINE)
    assert job.task == "image.inpaint" and job.status in ("queued", "running", "succeeded")
    assert job.inputs == {"image": image.id, "mask": mask.id}

    events = list(client.events(job.id, timeout=120))
    types = [e.type for e in events]
    assert types[-1] == "done", types
    assert types.count("done") == 1
    for event in events:
        assert event.data.get("type") == event.type and event.data.get("job") == job.id, event
    assert "progress" in types, types
    early = [i for i, t in enumerate(types) if t in ("queued", "started")]
    assert early, types
    if "queued" in types and "started" in types:
        assert types.index("queued") < types.index("started"), types
    progress_at = [i for i, t in enumerate(types) if t == "progress"]
    assert max(early) < min(progress_at) and max(progress_at) < types.index("done"), types
    values = [e.progress for e in events if e.type == "progress"]
    assert all(0.0 <= v <= 1.0 for v in values) and values == sorted(values), values
    done_event = events[-1]

    finished = client.job(job.id)
    assert finished.status == "succeeded" and finished.progress == 1.0
    assert finished.created_at and finished.started_at and finished.finished_at
    assert finished.outputs == done_event.outputs
    output_id = finished.output("image")

    data, ctype = client.get_blob(output_id)
    assert ctype.split(";")[0].strip() == "image/png"
    assert png_size(data) == (W, H)
    width, height, channels, depth, out = decode_png(data)
    assert (width, height, depth) == (W, H, 8)
    out = to_rgba8(channels, depth, out)
    for x, y in outside(BOX, W, H):
        i = (y * W + x) * 4
        assert out[i:i + 4] == pixels[i:i + 4], (x, y)

    recipe = read_png_recipe(data)
    assert recipe is not None
    assert recipe["task"] == "image.inpaint"
    assert recipe["engine"]["id"] == ENGINE and recipe["engine"]["kind"] == "builtin"
    assert recipe["params"]["seed"] == 1234
    assert recipe["inputs"] == {"image": image.id, "mask": mask.id}
    assert recipe["output_format"] == "png"
    # Defaults are recorded too, so the recipe alone reproduces the output.
    assert {"grow", "feather", "patch_size"} <= set(recipe["params"])
    assert finished.recipe is not None and finished.recipe.raw == recipe
    assert done_event.recipe is not None and done_event.recipe.raw == recipe


def test_inpaint_raw_rgba8_end_to_end(client):
    w, h, box = 40, 32, (10, 8, 26, 20)
    pixels = bytearray(pattern_image(w, h, seed=3))
    for i in range(3, len(pixels), 28):  # some non-opaque pixels: straight alpha must survive
        pixels[i] = i % 251
    mask = bytearray(w * h * 4)
    x0, y0, x1, y1 = box
    for y in range(y0, y1):
        mask[(y * w + x0) * 4:(y * w + x1) * 4] = b"\xff" * ((x1 - x0) * 4)
    image_blob = client.put_raw_image(pixels, w, h)
    mask_blob = client.put_raw_image(mask, w, h, fmt="rgba8")
    assert image_blob.type == raw_image_type(w, h, "rgba8")
    done = run_job(client, image_blob, mask_blob, {"seed": 99}, engine=ENGINE, output_format="raw")
    data, ctype = client.get_blob(done.output())
    assert parse_raw_image_type(ctype) == (w, h, "rgba8"), ctype
    assert len(data) == w * h * 4
    for x, y in outside(box, w, h):
        i = (y * w + x) * 4
        assert data[i:i + 4] == pixels[i:i + 4], (x, y)
    assert done.recipe.output_format == "raw" and done.recipe.seed == 99
    assert done.recipe.inputs == {"image": image_blob.id, "mask": mask_blob.id}


def test_wait_reports_events_in_order_and_late_stream_replays(client):
    _pixels, image, mask = upload_pair(client, seed=5)
    seen = []
    job = client.submit("image.inpaint", {"image": image, "mask": mask}, {"seed": 5})
    done = client.wait(job.id, on_event=seen.append, timeout=120)
    assert done.status == "succeeded" and seen and seen[-1].type == "done"
    assert done.engine == "auto" and done.recipe.engine.id == ENGINE
    replay = list(client.events(job.id, timeout=30))
    assert replay[-1].type == "done" and replay[0].type in ("queued", "started")
    assert replay[-1].outputs == done.outputs


def test_same_recipe_gives_identical_output(client):
    _pixels, image, mask = upload_pair(client, seed=11)
    first = run_job(client, image, mask)  # no seed: the daemon picks one
    seed = first.recipe.seed
    assert isinstance(seed, int) and 0 <= seed <= 4294967295
    second = run_job(client, image, mask, {"seed": seed})
    assert second.output() == first.output()


def test_jobs_list_filters_by_status(client):
    _pixels, image, mask = upload_pair(client, seed=21)
    done = run_job(client, image, mask, {"seed": 3})
    succeeded = client.jobs(status="succeeded")
    assert done.id in [j.id for j in succeeded]
    assert all(j.status == "succeeded" for j in succeeded)
    assert done.id not in [j.id for j in client.jobs(status=["queued", "running"])]
    newer = run_job(client, image, mask, {"seed": 4})
    assert [j.id for j in client.jobs(limit=2)] == [newer.id, done.id]  # newest first
    with pytest.raises(InvalidRequest):
        client.jobs(status="bogus")


def test_client_chosen_job_id_and_duplicate(client):
    _pixels, image, mask = upload_pair(client, seed=31)
    job_id = "py-" + os.urandom(6).hex()
    job = client.submit("image.inpaint", {"image": image, "mask": mask}, job_id=job_id)
    assert job.id == job_id
    with pytest.raises(Conflict) as info:
        client.submit("image.inpaint", {"image": image, "mask": mask}, job_id=job_id)
    assert info.value.code == "BRIDGE-3011"
    assert client.wait(job_id, timeout=120).status == "succeeded"
    # Cancelling a finished job returns it unchanged.
    assert client.cancel(job_id).status == "succeeded"


def test_cancel_unknown_job(client):
    with pytest.raises(NotFound) as info:
        client.cancel("no-such-job")
    assert info.value.code == "BRIDGE-3010" and info.value.http_status == 404
    with pytest.raises(NotFound):
        client.job("no-such-job")
    with pytest.raises(NotFound):
        next(client.events("no-such-job"))


def test_cancel_a_pending_job(client):
    # Big jobs keep every CPU lane busy (the daemon runs cores/2 at once) so that the
    # victim normally waits in the queue; if it starts anyway, it is stopped at its next step.
    size = 384
    pixels = pattern_image(size, size, seed=8)
    image = client.put_blob(encode_png(size, size, pixels), "image/png")
    mask = client.put_blob(encode_png(size, size, rect_mask(size, size, (32, 32, 352, 352)), color_type=0), "image/png")
    lanes = max(1, (os.cpu_count() or 2) // 2)
    blockers = [
        client.submit("image.inpaint", {"image": image, "mask": mask}, {"seed": s})
        for s in range(1, min(lanes, 16) + 2)
    ]
    victim = client.submit("image.inpaint", {"image": image, "mask": mask}, {"seed": 999}, priority="batch")
    cancelled = client.cancel(victim.id)
    assert cancelled.status in ("cancelled", "running"), cancelled.status
    for blocker in blockers:
        try:
            client.cancel(blocker.id)
        except BridgeError:
            pass
    with pytest.raises(JobCancelled) as info:
        client.wait(victim.id, timeout=120)
    assert info.value.job.status == "cancelled"
    events = list(client.events(victim.id, timeout=30))
    assert events[-1].type == "cancelled"
    assert client.job(victim.id).outputs == {}
    for blocker in blockers:  # let the lanes drain so later tests are not slowed down
        try:
            client.wait(blocker.id, timeout=120)
        except JobCancelled:
            pass


def test_mask_of_another_size(client):
    image = client.put_blob(encode_png(W, H, pattern_image(W, H)), "image/png")
    mask = client.put_blob(encode_png(W - 1, H, rect_mask(W - 1, H, BOX), color_type=0), "image/png")
    with pytest.raises(InvalidRequest) as info:
        client.submit("image.inpaint", {"image": image, "mask": mask})
    assert info.value.code == "BRIDGE-3009" and info.value.http_status == 400


@pytest.mark.parametrize(
    "case",
    [
        ("image.nope", "both", None, "auto", "BRIDGE-3001"),
        ("image.inpaint", "both", None, "no.such.engine", "BRIDGE-3002"),
        ("image.inpaint", "image", None, "auto", "BRIDGE-3003"),
        ("image.inpaint", "extra", None, "auto", "BRIDGE-3004"),
        ("image.inpaint", "both", {"grow": -1}, "auto", "BRIDGE-3005"),
        ("image.inpaint", "both", {"patch_size": 4}, "auto", "BRIDGE-3005"),
        ("image.inpaint", "both", {"seed": 4294967296}, "auto", "BRIDGE-3005"),
        ("image.inpaint", "both", {"unknown": 1}, "auto", "BRIDGE-3005"),
        ("image.inpaint", "both", {"grow": "3"}, "auto", "BRIDGE-3005"),
    ],
    ids=lambda case: "{}-{}".format(case[4], case[3] if case[4] == "BRIDGE-3002" else (case[2] or case[1] or case[0])),
)
def test_bad_submissions(client, case):
    task, inputs, params, engine, code = case
    _pixels, image, mask = upload_pair(client, seed=41)
    by_name = {
        "both": {"image": image, "mask": mask},
        "image": {"image": image},
        "extra": {"image": image, "mask": mask, "depth": mask},
    }[inputs]
    with pytest.raises(InvalidRequest) as info:
        client.submit(task, by_name, params, engine=engine)
    assert info.value.code == code, info.value


def test_bad_job_id_format(client):
    _pixels, image, mask = upload_pair(client, seed=41)
    with pytest.raises(InvalidRequest) as info:
        client.submit("image.inpaint", {"image": image, "mask": mask}, job_id="has space/slash")
    assert info.value.code == "BRIDGE-1008"


def test_missing_input_blob(client):
    _pixels, image, _mask = upload_pair(client, seed=41)
    with pytest.raises(BridgeError) as info:
        client.submit("image.inpaint", {"image": image, "mask": "sha256:" + "5" * 64})
    assert info.value.http_status is not None and 400 <= info.value.http_status < 500
    assert info.value.code in ("BRIDGE-2001", "BRIDGE-3003"), info.value


def test_corrupt_image_is_refused_at_submission(client):
    _pixels, _image, mask = upload_pair(client, seed=41)
    broken = encode_png(W, H, pattern_image(W, H))[:60]  # header intact, data cut
    try:
        blob = client.put_blob(broken, "image/png")
    except InvalidRequest as exc:
        assert exc.code == "BRIDGE-3006"
        return
    with pytest.raises(InvalidRequest) as info:
        client.submit("image.inpaint", {"image": blob, "mask": mask})
    assert info.value.code == "BRIDGE-3006"


def test_raw_byte_count_mismatch(client):
    _pixels, _image, mask = upload_pair(client, seed=41)
    try:
        blob = client.put_blob(b"\x00" * (W * H * 4 - 4), raw_image_type(W, H, "rgba8"))
    except InvalidRequest as exc:
        assert exc.code == "BRIDGE-3008"
        return
    with pytest.raises(InvalidRequest) as info:
        client.submit("image.inpaint", {"image": blob, "mask": mask})
    assert info.value.code == "BRIDGE-3008"


def test_large_blob_round_trip(client):
    # Over Undertow's 2 MiB default entity limit; a 1024x1024 rgba8 layer is 4 MiB.
    data = os.urandom(9 * 1024 * 1024 + 7)
    info = client.put_blob(data, "application/octet-stream")
    assert info.size == len(data)
    back, ctype = client.get_blob(info)
    assert back == data and ctype == "application/octet-stream"


def test_large_raw_image_upload(client):
    size = 1024
    pixels = bytearray(os.urandom(size * size * 4))
    info = client.put_raw_image(pixels, size, size)
    assert info.size == size * size * 4 and parse_raw_image_type(info.type) == (size, size, "rgba8")


def test_same_bytes_as_another_raw_shape_keep_each_jobs_reading(client):
    """A blob's type is its latest upload's; each job reads its inputs as they were typed when it
    was submitted, and its recipe pins that type (WIRE.md)."""
    mask_pixels = bytes(8 * 4 * 4)  # an all-clear mask: the same bytes fit 8x4 and 4x8
    image_wide = client.put_raw_image(bytes(range(128)), 8, 4)
    image_tall = client.put_raw_image(bytes(range(128, 256)), 4, 8)
    wide = client.put_raw_image(mask_pixels, 8, 4)
    first = client.submit("image.inpaint", {"image": image_wide.id, "mask": wide.id}, {"seed": 1})
    tall = client.put_raw_image(mask_pixels, 4, 8)
    assert tall.id == wide.id
    assert client.blob_info(wide.id).type == raw_image_type(4, 8, "rgba8")
    second = client.submit("image.inpaint", {"image": image_tall.id, "mask": tall.id}, {"seed": 1})
    done_first = client.wait(first.id, timeout=60)
    done_second = client.wait(second.id, timeout=60)
    assert done_first.recipe.input_types["mask"] == raw_image_type(8, 4, "rgba8")
    assert done_second.recipe.input_types["mask"] == raw_image_type(4, 8, "rgba8")


def test_models_lists_the_catalogue_and_unknown_model_errors(client):
    models = client.models()
    assert models["installed"] == []
    ids = {entry["id"] for entry in models["catalogue"]}
    assert "lama" in ids
    with pytest.raises(NotFound) as missing:
        client.verify_model("no-such-model")
    assert missing.value.code == "BRIDGE-6001"
    with pytest.raises(NotFound):
        client.remove_model("no-such-model")


def test_import_of_a_file_that_is_no_model_says_so(client, tmp_path):
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model at all")
    with pytest.raises(InvalidRequest) as refused:
        client.import_model(str(junk))
    assert refused.value.code == "BRIDGE-6002"
