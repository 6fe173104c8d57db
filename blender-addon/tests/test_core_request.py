"""Unit tests of request building and the (bpy-free) job runner against a stub client."""

import pytest

from bridge_client import Capabilities, JobFailed
from creative_bridge.core import depth, request


def test_fit_resolution_multiples_of_8():
    assert request.fit_resolution(1.0, 1024) == (1024, 1024)
    w, h = request.fit_resolution(16 / 9, 1000)
    assert (w, h) == (1000, 560) and w % 8 == 0 and h % 8 == 0
    assert request.fit_resolution(0.5, 512) == (256, 512)


def test_build_params_leaves_absent_values_to_the_daemon():
    params = request.build_params("bronze", size=(512, 256))
    assert params == {"prompt": "bronze", "width": 512, "height": 256}
    full = request.build_params("x", negative_prompt="blurry", seed=7, steps=20, strength=0.6, seamless="x",
                                size=(64, 64))
    assert full["seed"] == 7 and full["steps"] == 20 and full["strength"] == 0.6 and full["seamless"] == "x"
    assert full["negative_prompt"] == "blurry"


@pytest.mark.parametrize("kwargs", [dict(size=(100, 64)), dict(size=(64, 64), seed=-1),
                                    dict(size=(64, 64), strength=2.0), dict(size=(64, 64), seamless="z"),
                                    dict(size=(64, 64), steps=0)])
def test_build_params_refuses_bad_values(kwargs):
    with pytest.raises(request.RequestError):
        request.build_params("p", **kwargs)


CAPS = {"protocol": 1, "version": "t", "tasks": [{
    "task": "image.texture_from_depth", "description": "", "inputs": [], "outputs": ["image"],
    "params_schema": {}, "engines": [{"id": "builtin.depthmaps", "kind": "builtin", "description": "maps",
                                      "device": "cpu", "ready": True}]}]}


class StubClient:
    """Records calls; answers like the daemon would."""

    def __init__(self, caps=CAPS, fail=None):
        self.caps = Capabilities.from_json(caps)
        self.fail = fail
        self.calls = []

    def capabilities(self):
        return self.caps

    def put_raw_image(self, data, width, height, *, fmt):
        self.calls.append(("put_raw_image", len(data), width, height, fmt))
        return "sha256:" + "a" * 64

    def put_blob(self, data, ctype):
        self.calls.append(("put_blob", ctype))
        return "sha256:" + "b" * 64

    def submit(self, task, inputs, params, *, engine):
        self.calls.append(("submit", task, dict(inputs), dict(params), engine))
        from bridge_client import Job
        return Job.from_json({"id": "j1", "task": task, "status": "queued"})

    def wait(self, job_id, on_event=None):
        from bridge_client import Event, Job
        on_event(Event.from_json({"type": "stage", "job": job_id, "stage": "denoise"}) if hasattr(Event, "from_json")
                 else None)
        if self.fail:
            raise self.fail
        return Job.from_json({"id": job_id, "task": "t", "status": "succeeded",
                              "outputs": {"image": "sha256:" + "c" * 64, "normal": "sha256:" + "d" * 64}})

    def get_blob(self, blob):
        return b"png-bytes-" + blob[-1:].encode(), "image/png"

    def cancel(self, job_id):
        self.calls.append(("cancel", job_id))


def test_run_texture_job_uploads_depth_submits_auto_and_downloads_outputs():
    client = StubClient()
    progress = request.Progress()
    data = depth.to_rgba16([0.5] * 64)
    result = request.run_texture_job(client, data, (8, 8), params={"prompt": "p"}, progress=progress)
    assert client.calls[0] == ("put_raw_image", 512, 8, 8, "rgba16")
    submit = client.calls[1]
    assert submit[1] == "image.texture_from_depth" and submit[4] == "auto" and "image" not in submit[2]
    assert set(result.images) == {"image", "normal"}
    assert progress.fraction == 1.0 and progress.job_id == "j1"


def test_missing_task_is_named():
    client = StubClient(caps={"protocol": 1, "version": "0.1", "tasks": []})
    with pytest.raises(request.TaskMissing, match="image.texture_from_depth"):
        request.run_texture_job(client, b"\0" * 8, (1, 1), params={})


def test_engine_choices_and_error_text():
    choices = request.engine_choices(Capabilities.from_json(CAPS))
    assert choices[0][0] == "auto" and choices[1][0] == "builtin.depthmaps"
    err = JobFailed("BRIDGE-4002", "engine failed")
    assert request.describe_error(err) == "engine failed (BRIDGE-4002)"
    with pytest.raises(JobFailed):
        request.run_texture_job(StubClient(fail=err), b"\0" * 8, (1, 1), params={})
