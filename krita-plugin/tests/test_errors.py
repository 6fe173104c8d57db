"""Readable messages for the failures an artist meets."""

import bridge_client as bc
from creative_bridge import errors


def test_daemon_not_running():
    text = errors.describe(bc.DaemonNotRunning("CLIENT-NOT-RUNNING", "refused"))
    assert "not running" in text and "bridge serve" in text


def test_model_missing():
    text = errors.describe(bc.Conflict("BRIDGE-3012", "no model", {"engine": "lama"}, 409))
    assert "lama" in text and "not installed" in text


def test_out_of_memory():
    err = bc.JobFailed("BRIDGE-4003", "out of memory")
    assert "ran out of memory" in errors.describe(err)
    assert "smaller selection" in errors.describe(err)


def test_other_failures_keep_their_code():
    assert "BRIDGE-4002" in errors.describe(bc.JobFailed("BRIDGE-4002", "boom"))
    assert "token" in errors.describe(bc.Unauthorized("BRIDGE-1001", "bad token"))
    assert "queue is full" in errors.describe(bc.ServerBusy("BRIDGE-3013", "full"))
    assert "Unexpected" in errors.describe(RuntimeError("x"))


def test_to_plugin_error_types():
    cancelled = errors.to_plugin_error(bc.JobCancelled("j1"))
    assert isinstance(cancelled, errors.OperationCancelled)
    failed = errors.to_plugin_error(bc.JobFailed("BRIDGE-4003", "oom"))
    assert isinstance(failed, errors.DaemonError) and failed.code == "BRIDGE-4003"
    assert isinstance(failed.cause, bc.JobFailed)
    own = errors.NoSelectionError("x")
    assert errors.to_plugin_error(own) is own
