"""Dataclasses built from protocol JSON (no network)."""

from __future__ import annotations

import pytest

from bridge_client import BlobInfo, Capabilities, Event, Health, Job, ProtocolError, Recipe
from fakedaemon import CAPABILITIES

FULL_JOB = {
    "id": "j1",
    "task": "image.inpaint",
    "engine": "auto",
    "status": "succeeded",
    "priority": "batch",
    "inputs": {"image": "sha256:aa", "mask": "sha256:bb"},
    "params": {"seed": 5},
    "output_format": "raw",
    "created_at": "2025-01-01T00:00:00Z",
    "started_at": "2025-01-01T00:00:01Z",
    "finished_at": "2025-01-01T00:00:02Z",
    "stage": "fill",
    "progress": 1,
    "outputs": {"image": "sha256:cc"},
    "recipe": {
        "task": "image.inpaint",
        "engine": {"id": "builtin.patchmatch", "kind": "builtin", "version": "1"},
        "params": {"seed": 5, "grow": 0},
        "inputs": {"image": "sha256:aa", "mask": "sha256:bb"},
        "output_format": "raw",
        "bridge_version": "0.1.0",
    },
    "some_future_field": {"x": 1},
}


def test_full_job():
    job = Job.from_json(FULL_JOB)
    assert job.is_finished and job.status == "succeeded"
    assert job.output() == "sha256:cc"
    assert job.progress == 1.0 and isinstance(job.progress, float)
    assert job.recipe.engine.id == "builtin.patchmatch" and job.recipe.seed == 5
    assert job.recipe.engine.sha256 is None
    assert job.raw["some_future_field"] == {"x": 1}


def test_minimal_job_uses_defaults():
    job = Job.from_json({"id": "j", "task": "t", "status": "queued"})
    assert (job.engine, job.priority, job.output_format, job.progress) == ("auto", "interactive", "png", 0.0)
    assert job.outputs == {} and job.recipe is None and job.error is None and not job.is_finished
    with pytest.raises(KeyError) as info:
        job.output()
    assert "queued" in str(info.value)


def test_failed_job_error():
    job = Job.from_json({"id": "j", "task": "t", "status": "failed",
                         "error": {"code": "BRIDGE-4002", "message": "boom"}})
    assert job.error.code == "BRIDGE-4002" and job.error.details == {}


@pytest.mark.parametrize("missing", ["id", "task", "status"])
def test_job_missing_required_field(missing):
    doc = {"id": "j", "task": "t", "status": "queued"}
    del doc[missing]
    with pytest.raises(ProtocolError) as info:
        Job.from_json(doc)
    assert missing in str(info.value)


def test_job_from_non_object():
    with pytest.raises(ProtocolError):
        Job.from_json([1])


def test_recipe_without_seed():
    recipe = Recipe.from_json({"task": "t", "engine": {"id": "e", "kind": "model", "sha256": "ff"}})
    assert recipe.seed is None and recipe.engine.sha256 == "ff" and recipe.inputs == {}


def test_capabilities_tolerates_unknown_fields():
    caps = Capabilities.from_json(CAPABILITIES)
    task = caps.task("image.inpaint")
    assert [i.name for i in task.inputs] == ["image", "mask"]
    assert task.engine("builtin.patchmatch").ready
    assert task.engine("nope") is None and caps.task("nope") is None


def test_health_and_blob():
    assert Health.from_json({"status": "ok", "version": "v", "protocol": 1}).protocol == 1
    assert BlobInfo.from_json({"id": "sha256:x", "size": 3, "type": "image/png"}).size == 3
    with pytest.raises(ProtocolError):
        BlobInfo.from_json({"size": 3})


def test_event_accessors():
    done = Event("done", {"type": "done", "job": "j", "outputs": {"image": "sha256:1"}, "recipe": FULL_JOB["recipe"]})
    assert done.is_terminal and done.job == "j" and done.outputs == {"image": "sha256:1"}
    assert done.recipe.task == "image.inpaint"
    preview = Event("preview", {"type": "preview", "job": "j", "preview": "sha256:2"})
    assert preview.preview == "sha256:2" and preview.progress is None and preview.error is None
