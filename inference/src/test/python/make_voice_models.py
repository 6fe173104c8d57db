#!/usr/bin/python3
"""Writes the tiny ONNX models the voice conversion tests load (org.creativebridge.inference.audio.voice).

Usage: /usr/bin/python3 make_voice_models.py OUTPUT_DIR

Needs only Debian's python3-onnx. Each model has a real family's exact input and output names,
types and shapes, and does deterministic arithmetic instead of voice conversion, so a test can
assert what went in and what came out exactly.

Content encoders (ContentVec/HuBERT export: input source float32 [1,1,N] at 16 kHz; output embed
float32 [1,D,F], 50 frames/s), D = 256 (v1) or 768 (v2):
    F = N // 320;  embed[0, d, f] = mean(source[320 f : 320 (f + 1)]) + 0.001 d

RVC generators (inputs phone float32 [1,T,D], phone_lengths int64 [1], pitch int64 [1,T],
pitchf float32 [1,T], ds int64 [1], rnd float32 [1,192,T]; output audio float32 [1,1,T*K]),
K = 400 (v1, a 40 kHz model) or 480 (v2, 48 kHz). Frame t's block of K samples is
    [pitchf[t] * 0.001, pitch[t] * 0.001, phone[t,0], phone[t,D-1] * 0.5, ds * 0.1,
     rnd[0,0,t] * 0.01, rnd[0,191,t] * 0.01, 0.5 if phone_lengths == T else -0.5, 0, 0, ...]

RMVPE (input input float32 [1,128,T'] log-mel frames, T' a multiple of 32; output output float32
[1,T',360] salience): a bump around bin 100, exp(-(b - 100)^2 / 8), scaled per frame by
clip(mean over the 128 mel bins + 11.5, 0, 1): silence (log 1e-5 = -11.51) gives 0, so unvoiced.

A misfit generator (pitch float32 instead of int64, no rnd) tests the contract refusal.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Pinned so a newer python3-onnx cannot write a model the bundled ONNX Runtime refuses.
OPSET = [helper.make_opsetid("", 17)]
IR_VERSION = 8


def save(graph, path):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="creative-bridge-tests")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save_model(model, path)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def content_encoder(out_dir, dims):
    source = helper.make_tensor_value_info("source", TensorProto.FLOAT, [1, 1, "samples"])
    embed = helper.make_tensor_value_info("embed", TensorProto.FLOAT, [1, dims, "frames"])
    inits = [
        const("frame", np.array([320], dtype=np.int64)),
        const("zero", np.array([0], dtype=np.int64)),
        const("last_axis", np.array([2], dtype=np.int64)),
        const("index_two", np.array([2], dtype=np.int64)),
        const("frames_shape", np.array([1, -1, 320], dtype=np.int64)),
        const("dim_offsets", (0.001 * np.arange(dims, dtype=np.float32)).reshape(1, dims, 1)),
    ]
    nodes = [
        helper.make_node("Shape", ["source"], ["shape"]),
        helper.make_node("Gather", ["shape", "index_two"], ["length"], axis=0),
        helper.make_node("Div", ["length", "frame"], ["whole_frames"]),
        helper.make_node("Mul", ["whole_frames", "frame"], ["used"]),
        helper.make_node("Slice", ["source", "zero", "used", "last_axis"], ["trimmed"]),
        helper.make_node("Reshape", ["trimmed", "frames_shape"], ["framed"]),
        helper.make_node("ReduceMean", ["framed"], ["means"], axes=[2], keepdims=0),
        helper.make_node("Unsqueeze", ["means", "index_one"], ["means_3d"]),
        helper.make_node("Add", ["means_3d", "dim_offsets"], ["embed"]),
    ]
    inits.append(const("index_one", np.array([1], dtype=np.int64)))
    graph = helper.make_graph(nodes, "content_encoder_%d" % dims, [source], [embed], inits)
    save(graph, os.path.join(out_dir, "contentvec-%d.onnx" % dims))


def generator(out_dir, file_name, dims, block, misfit=False):
    pitch_type = TensorProto.FLOAT if misfit else TensorProto.INT64
    inputs = [
        helper.make_tensor_value_info("phone", TensorProto.FLOAT, [1, "T", dims]),
        helper.make_tensor_value_info("phone_lengths", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("pitch", pitch_type, [1, "T"]),
        helper.make_tensor_value_info("pitchf", TensorProto.FLOAT, [1, "T"]),
        helper.make_tensor_value_info("ds", TensorProto.INT64, [1]),
    ]
    if not misfit:
        inputs.append(helper.make_tensor_value_info("rnd", TensorProto.FLOAT, [1, 192, "T"]))
    audio = helper.make_tensor_value_info("audio", TensorProto.FLOAT, [1, 1, "samples"])
    inits = [
        const("milli", np.array(0.001, dtype=np.float32)),
        const("tenth", np.array(0.1, dtype=np.float32)),
        const("hundredth", np.array(0.01, dtype=np.float32)),
        const("half", np.array(0.5, dtype=np.float32)),
        const("one", np.array(1.0, dtype=np.float32)),
        const("first", np.array([0], dtype=np.int64)),
        const("last_dim", np.array([dims - 1], dtype=np.int64)),
        const("last_noise", np.array([191], dtype=np.int64)),
        const("index_one", np.array([1], dtype=np.int64)),
        const("axis_two", np.array([2], dtype=np.int64)),
        const("pads", np.array([0, 0, 0, 0, 0, block - 8], dtype=np.int64)),
        const("flat", np.array([1, 1, -1], dtype=np.int64)),
    ]
    nodes = [
        helper.make_node("Mul", ["pitchf", "milli"], ["c0"]),
        helper.make_node("Cast", ["pitch"], ["pitch_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["pitch_f", "milli"], ["c1"]),
        helper.make_node("Gather", ["phone", "first"], ["phone_first"], axis=2),
        helper.make_node("Squeeze", ["phone_first", "axis_two"], ["c2"]),
        helper.make_node("Gather", ["phone", "last_dim"], ["phone_last"], axis=2),
        helper.make_node("Squeeze", ["phone_last", "axis_two"], ["phone_last_2d"]),
        helper.make_node("Mul", ["phone_last_2d", "half"], ["c3"]),
        # zeros shaped like pitchf, to broadcast per-job scalars over the frames
        helper.make_node("Mul", ["pitchf", "zero_f"], ["zeros"]),
        helper.make_node("Cast", ["ds"], ["ds_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["ds_f", "tenth"], ["ds_scaled"]),
        helper.make_node("Add", ["zeros", "ds_scaled"], ["c4"]),
        helper.make_node("Shape", ["phone"], ["phone_shape"]),
        helper.make_node("Gather", ["phone_shape", "index_one"], ["frames"], axis=0),
        helper.make_node("Equal", ["phone_lengths", "frames"], ["lengths_match"]),
        helper.make_node("Cast", ["lengths_match"], ["match_f"], to=TensorProto.FLOAT),
        helper.make_node("Sub", ["match_f", "half"], ["match_signed"]),
        helper.make_node("Add", ["zeros", "match_signed"], ["c7"]),
    ]
    inits.append(const("zero_f", np.array(0.0, dtype=np.float32)))
    if misfit:
        nodes += [
            helper.make_node("Mul", ["zeros", "one"], ["c5"]),
            helper.make_node("Mul", ["zeros", "one"], ["c6"]),
        ]
    else:
        nodes += [
            helper.make_node("Gather", ["rnd", "first"], ["rnd_first"], axis=1),
            helper.make_node("Squeeze", ["rnd_first", "index_one"], ["rnd_first_2d"]),
            helper.make_node("Mul", ["rnd_first_2d", "hundredth"], ["c5"]),
            helper.make_node("Gather", ["rnd", "last_noise"], ["rnd_last"], axis=1),
            helper.make_node("Squeeze", ["rnd_last", "index_one"], ["rnd_last_2d"]),
            helper.make_node("Mul", ["rnd_last_2d", "hundredth"], ["c6"]),
        ]
    columns = []
    for i in range(8):
        nodes.append(helper.make_node("Unsqueeze", ["c%d" % i, "axis_two"], ["u%d" % i]))
        columns.append("u%d" % i)
    nodes += [
        helper.make_node("Concat", columns, ["head"], axis=2),
        helper.make_node("Pad", ["head", "pads"], ["blocks"]),
        helper.make_node("Reshape", ["blocks", "flat"], ["audio"]),
    ]
    graph = helper.make_graph(nodes, "rvc_generator", inputs, [audio], inits)
    save(graph, os.path.join(out_dir, file_name))


def rmvpe(out_dir):
    mel = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 128, "frames"])
    salience = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, "frames", 360])
    bins = np.arange(360, dtype=np.float32)
    bump = np.exp(-((bins - 100.0) ** 2) / 8.0).astype(np.float32).reshape(1, 1, 360)
    inits = [
        const("bump", bump),
        const("offset", np.array(11.5, dtype=np.float32)),
        const("low", np.array(0.0, dtype=np.float32)),
        const("high", np.array(1.0, dtype=np.float32)),
        const("last_axis", np.array([2], dtype=np.int64)),
    ]
    nodes = [
        helper.make_node("ReduceMean", ["input"], ["mean"], axes=[1], keepdims=0),  # [1,T]
        helper.make_node("Add", ["mean", "offset"], ["raised"]),
        helper.make_node("Clip", ["raised", "low", "high"], ["scale"]),
        helper.make_node("Unsqueeze", ["scale", "last_axis"], ["scale_3d"]),  # [1,T,1]
        helper.make_node("Mul", ["scale_3d", "bump"], ["output"]),
    ]
    graph = helper.make_graph(nodes, "rmvpe", [mel], [salience], inits)
    save(graph, os.path.join(out_dir, "rmvpe.onnx"))


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    content_encoder(out_dir, 256)
    content_encoder(out_dir, 768)
    generator(out_dir, "rvc-v1.onnx", 256, 400)
    generator(out_dir, "rvc-v2.onnx", 768, 480)
    generator(out_dir, "rvc-misfit.onnx", 768, 480, misfit=True)
    rmvpe(out_dir)
    with open(os.path.join(out_dir, "rvc-v1.json"), "w") as config:
        config.write('{"version": "v1", "sample_rate": 40000, "f0": true}\n')


if __name__ == "__main__":
    main()
