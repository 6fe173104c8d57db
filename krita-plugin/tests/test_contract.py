"""Request building: tasks, params against the schema, names, engine choices."""

import pytest

from bridge_client import Capabilities
from creative_bridge import contract
from creative_bridge.contract import RawImage

IMG = RawImage(bytes(16), 2, 2, "rgba8")
MASK = RawImage(bytes(16), 2, 2, "rgba8")
SCHEMA = {"properties": {"seed": {}, "prompt": {}, "grow": {}, "feather": {}, "patch_size": {}}}


def caps(outpaint_ready=None):
    tasks = [{"task": "image.inpaint", "params_schema": SCHEMA, "engines": [
        {"id": "builtin.patchmatch", "kind": "builtin", "ready": True},
        {"id": "lama", "kind": "model", "ready": False}]}]
    if outpaint_ready is not None:
        tasks.append({"task": "image.outpaint", "params_schema": {}, "engines": [
            {"id": "builtin.outpaint", "kind": "builtin", "ready": outpaint_ready}]})
    return Capabilities.from_json({"protocol": 1, "version": "x", "tasks": tasks})


def test_fill_request_sends_prompt_seed_and_raw_output():
    req = contract.fill_request(IMG, MASK, mode="fill", prompt="  a cat ", seed=5, engine="lama", schema=SCHEMA)
    assert req.task == "image.inpaint"
    assert req.inputs == {"image": IMG, "mask": MASK}
    assert req.params == {"seed": 5, "prompt": "a cat"}
    assert (req.engine, req.output_format) == ("lama", "raw")


def test_remove_mode_drops_the_prompt():
    req = contract.fill_request(IMG, MASK, mode="remove object", prompt="a cat", schema=SCHEMA)
    assert "prompt" not in req.params


def test_params_missing_from_schema_are_dropped_and_named():
    req = contract.fill_request(IMG, MASK, strength=0.5, schema=SCHEMA)
    assert "strength" not in req.params and req.dropped == ["strength"]
    req = contract.fill_request(IMG, MASK, strength=0.5, schema={"properties": {"strength": {}}})
    assert req.params == {"strength": 0.5}
    assert contract.fill_request(IMG, MASK, strength=0.5, schema=None).params == {"strength": 0.5}


def test_bad_inputs_are_refused_before_any_network():
    with pytest.raises(ValueError, match="mode"):
        contract.fill_request(IMG, MASK, mode="paint")
    with pytest.raises(ValueError, match="seed"):
        contract.fill_request(IMG, MASK, seed=-1)
    with pytest.raises(ValueError, match="seed"):
        contract.check_seed(2 ** 32)
    with pytest.raises(ValueError, match="differ"):
        contract.fill_request(IMG, RawImage(bytes(4), 1, 1, "rgba8"))
    with pytest.raises(ValueError, match="expand"):
        contract.fill_request(IMG, MASK, mode="expand")


def test_outpaint_request():
    req = contract.outpaint_request(IMG, (1, 2, 3, 4), seed=9, prompt="sky")
    assert req.task == "image.outpaint" and req.inputs == {"image": IMG}
    assert req.params == {"left": 1, "top": 2, "right": 3, "bottom": 4, "seed": 9, "prompt": "sky"}


def test_can_run_and_engine_choices():
    assert not contract.can_run(caps(), "image.outpaint")
    assert not contract.can_run(caps(outpaint_ready=False), "image.outpaint")
    assert contract.can_run(caps(outpaint_ready=True), "image.outpaint")
    assert contract.can_run(caps(outpaint_ready=False), "image.outpaint", "builtin.outpaint")
    assert contract.engine_choices(caps()) == [
        ("auto", "Auto"), ("builtin.patchmatch", "builtin.patchmatch"), ("lama", "lama (not installed)")]
    assert contract.task_schema(caps(), "image.inpaint") == SCHEMA


def test_layer_names():
    assert contract.layer_name("fill", "a  red\ncat", 7) == "a red cat (seed 7)"
    assert contract.layer_name("remove", "ignored", 1) == "Remove object (seed 1)"
    assert contract.layer_name("auto", "", None) == "Auto"
    assert contract.layer_name("expand", "", 3) == "Expand canvas (seed 3)"
    assert len(contract.layer_name("fill", "x" * 100, None)) == 40
