#!/usr/bin/python3
"""Writes the tiny ONNX models the TTS engine tests load (org.creativebridge.inference.audio.tts).

Usage: /usr/bin/python3 make_tts_models.py OUTPUT_DIR

Needs only Debian's python3-onnx. Each model has a real family's exact input and output names,
types and shapes, and does deterministic arithmetic instead of speech, so a test can assert the
ids that went in and the samples that came out exactly.

Piper models (inputs input int64 [1,T], input_lengths int64 [1], scales float32 [3], and sid
int64 [1] for the multi-speaker one; output float32 [1,1,1,S]):
    samples 0..4T-1:  output[4*i + k] = input[i] * 0.001 * scales[1]   (each id four times)
    then 4 samples:   scales[0], scales[1], scales[2], input_lengths[0] * 0.001
    multi-speaker:    then 1 more sample, sid[0] * 0.1
(small factors keep every sample inside -1..1, where the engine clamps)

Kokoro model (inputs input_ids int64 [1,N], style float32 [1,256], speed float32 [1]; output
waveform float32 [S]):
    samples 0..N-1:   input_ids[i] * 0.001 * speed[0]
    then 2 samples:   style[0,0], style[0,255]
"""

import os
import sys

import onnx
from onnx import TensorProto, helper

# Pinned so a newer python3-onnx cannot write a model the bundled ONNX Runtime refuses.
OPSET = [helper.make_opsetid("", 17)]
IR_VERSION = 8


def save(graph, path):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="creative-bridge-tests")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save_model(model, path)


def const_i64(name, values):
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)


def const_f(name, value):
    return helper.make_tensor(name, TensorProto.FLOAT, [], [value])


def piper(out_dir, file_name, multi_speaker=False, ids_type=TensorProto.INT64):
    inputs = [
        helper.make_tensor_value_info("input", ids_type, [1, "phonemes"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
    ]
    if multi_speaker:
        inputs.append(helper.make_tensor_value_info("sid", TensorProto.INT64, [1]))
    output = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, 1, "time"])
    inits = [
        const_f("milli", 0.001),
        const_i64("one_index", [1]),
        const_i64("repeat", [1, 1, 4]),
        const_i64("flat", [1, -1]),
        const_i64("four_d", [1, 1, 1, -1]),
    ]
    nodes = [
        # ids as float, scaled: [1,T]
        helper.make_node("Cast", ["input"], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["ids_f", "milli"], ["ids_milli"]),
        helper.make_node("Gather", ["scales", "one_index"], ["length_scale"], axis=0),
        helper.make_node("Mul", ["ids_milli", "length_scale"], ["scaled"]),
        # each id four times: [1,T,1] tiled to [1,T,4], flattened to [1,4T]
        helper.make_node("Unsqueeze", ["scaled", "last_axis"], ["scaled_3d"]),
        helper.make_node("Tile", ["scaled_3d", "repeat"], ["tiled"]),
        helper.make_node("Reshape", ["tiled", "flat"], ["body"]),
        # the scales and the length as a tail: [1,4] (or [1,5] with the speaker)
        helper.make_node("Cast", ["input_lengths"], ["length_count"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["length_count", "milli"], ["length_f"]),
    ]
    inits.append(const_i64("last_axis", [2]))
    tail = ["scales", "length_f"]
    if multi_speaker:
        nodes.append(helper.make_node("Cast", ["sid"], ["sid_count"], to=TensorProto.FLOAT))
        nodes.append(helper.make_node("Mul", ["sid_count", "tenth"], ["sid_f"]))
        inits.append(const_f("tenth", 0.1))
        tail.append("sid_f")
    nodes += [
        helper.make_node("Concat", tail, ["tail_1d"], axis=0),
        helper.make_node("Reshape", ["tail_1d", "flat"], ["tail"]),
        helper.make_node("Concat", ["body", "tail"], ["samples"], axis=1),
        helper.make_node("Reshape", ["samples", "four_d"], ["output"]),
    ]
    graph = helper.make_graph(nodes, file_name, inputs, [output], inits)
    save(graph, os.path.join(out_dir, file_name + ".onnx"))


def kokoro(out_dir):
    input_ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "tokens"])
    style = helper.make_tensor_value_info("style", TensorProto.FLOAT, [1, 256])
    speed = helper.make_tensor_value_info("speed", TensorProto.FLOAT, [1])
    waveform = helper.make_tensor_value_info("waveform", TensorProto.FLOAT, ["samples"])
    inits = [
        const_f("milli", 0.001),
        const_i64("flat", [-1]),
        const_i64("first", [0]),
        const_i64("last", [255]),
    ]
    nodes = [
        helper.make_node("Cast", ["input_ids"], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["ids_f", "milli"], ["ids_milli"]),
        helper.make_node("Mul", ["ids_milli", "speed"], ["scaled"]),
        helper.make_node("Reshape", ["scaled", "flat"], ["body"]),
        helper.make_node("Reshape", ["style", "flat"], ["style_flat"]),
        helper.make_node("Gather", ["style_flat", "first"], ["style_first"], axis=0),
        helper.make_node("Gather", ["style_flat", "last"], ["style_last"], axis=0),
        helper.make_node("Concat", ["body", "style_first", "style_last"], ["waveform"], axis=0),
    ]
    graph = helper.make_graph(nodes, "kokoro_arith", [input_ids, style, speed], [waveform], inits)
    save(graph, os.path.join(out_dir, "kokoro_arith.onnx"))


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    piper(out_dir, "piper_arith")
    piper(out_dir, "piper_multi", multi_speaker=True)
    # Same graph but token ids as int32: must be refused by the contract.
    piper(out_dir, "piper_int32_ids", ids_type=TensorProto.INT32)
    kokoro(out_dir)


if __name__ == "__main__":
    main()
