#!/usr/bin/python3
"""Writes tiny ONNX models with the exact input/output signature of each model family, plus
untrusted-file cases (external data pointing outside the model's folder).

Usage: /usr/bin/python3 make_family_models.py OUTPUT_DIR [ABSOLUTE_SECRET_PATH]

Needs only Debian's python3-onnx. The arithmetic is trivial (slices, casts, transposes): these
models exist for signature detection and safety checks, not for numbers.
"""

import os
import sys

import onnx
from onnx import TensorProto, helper

OPSET = [helper.make_opsetid("", 17)]
IR_VERSION = 8
F, I64, U8 = TensorProto.FLOAT, TensorProto.INT64, TensorProto.UINT8


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def ints(name, values):
    return helper.make_tensor(name, I64, [len(values)], values)


def save(path, nodes, inputs, outputs, inits=(), check=True):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    graph = helper.make_graph(nodes, os.path.basename(path), inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="creative-bridge-tests")
    model.ir_version = IR_VERSION
    if check:
        onnx.checker.check_model(model)
    onnx.save_model(model, path)


def identity_model(path, in_name, out_name, elem, in_shape, out_shape):
    save(path, [helper.make_node("Identity", [in_name], [out_name])],
         [vi(in_name, elem, in_shape)], [vi(out_name, elem, out_shape)])


def lama(out):
    save(os.path.join(out, "lama.onnx"),
         [helper.make_node("Identity", ["image"], ["output"])],
         [vi("image", F, [1, 3, 512, 512]), vi("mask", F, [1, 1, 512, 512])],
         [vi("output", F, [1, 3, 512, 512])])


def migan(out):
    save(os.path.join(out, "migan.onnx"),
         [helper.make_node("Identity", ["image"], ["result"])],
         [vi("image", U8, [1, 3, "h", "w"]), vi("mask", U8, [1, 1, "h", "w"])],
         [vi("result", U8, [1, 3, "h", "w"])])


def unknown_image(out):
    """MI-GAN's inputs but an output named 'output': fits no family."""
    save(os.path.join(out, "unknown_image.onnx"),
         [helper.make_node("Identity", ["image"], ["output"])],
         [vi("image", U8, [1, 3, "h", "w"]), vi("mask", U8, [1, 1, "h", "w"])],
         [vi("output", U8, [1, 3, "h", "w"])])


def sd15(out):
    root = os.path.join(out, "sd15")
    save(os.path.join(root, "text_encoder", "model.onnx"),
         [helper.make_node("Cast", ["input_ids"], ["f"], to=F),
          helper.make_node("Unsqueeze", ["f", "axis2"], ["u"]),
          helper.make_node("Expand", ["u", "shape"], ["last_hidden_state"])],
         [vi("input_ids", I64, ["batch", 77])],
         [vi("last_hidden_state", F, ["batch", 77, 768])],
         [ints("axis2", [2]), ints("shape", [1, 1, 768])])
    save(os.path.join(root, "unet", "model.onnx"),
         [helper.make_node("Slice", ["sample", "s0", "s4", "ax1"], ["out_sample"])],
         [vi("sample", F, ["batch", 9, "h", "w"]), vi("timestep", I64, ["batch"]),
          vi("encoder_hidden_states", F, ["batch", 77, 768])],
         [vi("out_sample", F, ["batch", 4, "h", "w"])],
         [ints("s0", [0]), ints("s4", [4]), ints("ax1", [1])])
    save(os.path.join(root, "vae_encoder", "model.onnx"),
         [helper.make_node("Slice", ["sample", "s0", "s1", "ax1"], ["first"]),
          helper.make_node("Concat", ["sample", "first"], ["latent_sample"], axis=1)],
         [vi("sample", F, ["batch", 3, "h", "w"])],
         [vi("latent_sample", F, ["batch", 4, "h", "w"])],
         [ints("s0", [0]), ints("s1", [1]), ints("ax1", [1])])
    save(os.path.join(root, "vae_decoder", "model.onnx"),
         [helper.make_node("Slice", ["latent_sample", "s0", "s3", "ax1"], ["sample"])],
         [vi("latent_sample", F, ["batch", 4, "h", "w"])],
         [vi("sample", F, ["batch", 3, "h", "w"])],
         [ints("s0", [0]), ints("s3", [3]), ints("ax1", [1])])


def piper(out, name, with_sid):
    inputs = [vi("input", I64, [1, "phonemes"]), vi("input_lengths", I64, [1]), vi("scales", F, [3])]
    if with_sid:
        inputs.append(vi("sid", I64, [1]))
    save(os.path.join(out, name),
         [helper.make_node("Cast", ["input"], ["f"], to=F),
          helper.make_node("Unsqueeze", ["f", "axis1"], ["output"])],
         inputs, [vi("output", F, [1, 1, "phonemes"])], [ints("axis1", [1])])
    with open(os.path.join(out, name + ".json"), "w") as config:
        config.write('{"audio": {"sample_rate": 22050}, "phoneme_id_map": {"_": [0]}}\n')


def kokoro(out):
    save(os.path.join(out, "kokoro.onnx"),
         [helper.make_node("Cast", ["input_ids"], ["f"], to=F),
          helper.make_node("Reshape", ["f", "flat"], ["waveform"])],
         [vi("input_ids", I64, [1, "n"]), vi("style", F, [1, 256]), vi("speed", F, [1])],
         [vi("waveform", F, ["n"])], [ints("flat", [-1])])


def rvc(out):
    save(os.path.join(out, "rvc.onnx"),
         [helper.make_node("Unsqueeze", ["pitchf", "axis1"], ["audio"])],
         [vi("phone", F, [1, "T", 768]), vi("phone_lengths", I64, [1]), vi("pitch", I64, [1, "T"]),
          vi("pitchf", F, [1, "T"]), vi("ds", I64, [1]), vi("rnd", F, [1, 192, "T"])],
         [vi("audio", F, [1, 1, "T"])], [ints("axis1", [1])])


def contentvec(out):
    save(os.path.join(out, "contentvec.onnx"),
         [helper.make_node("Transpose", ["source"], ["t"], perm=[0, 2, 1]),
          helper.make_node("Expand", ["t", "shape"], ["embed"])],
         [vi("source", F, [1, 1, "samples"])], [vi("embed", F, [1, "samples", 768])],
         [ints("shape", [1, 1, 768])])


def rmvpe(out):
    save(os.path.join(out, "rmvpe.onnx"),
         [helper.make_node("ReduceSum", ["mel", "axis1"], ["s"], keepdims=1),
          helper.make_node("Transpose", ["s"], ["t"], perm=[0, 2, 1]),
          helper.make_node("Expand", ["t", "shape"], ["hidden"])],
         [vi("mel", F, [1, 128, "T"])], [vi("hidden", F, [1, "T", 360])],
         [ints("axis1", [1]), ints("shape", [1, 1, 360])])


def external(out, name, location, write_data=True):
    """y = x + w, with w float32 [4] stored as external data at `location` (as written)."""
    w = helper.make_tensor("w", F, [4], [1.0, 2.0, 3.0, 4.0])
    w.ClearField("float_data")
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"), ("length", "16")):
        entry = w.external_data.add()
        entry.key = key
        entry.value = value
    save(os.path.join(out, name), [helper.make_node("Add", ["x", "w"], ["y"])],
         [vi("x", F, [4])], [vi("y", F, [4])], [w], check=False)
    if write_data:
        with open(os.path.join(out, location), "wb") as data:
            data.write(bytes(16))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    lama(out)
    migan(out)
    unknown_image(out)
    sd15(out)
    piper(out, "piper.onnx", False)
    piper(out, "piper_multi.onnx", True)
    kokoro(out)
    rvc(out)
    contentvec(out)
    rmvpe(out)
    external(out, "ext_ok.onnx", "ext_ok.bin")
    external(out, "ext_parent.onnx", "../secret.bin", write_data=False)
    if len(sys.argv) > 2:
        external(out, "ext_absolute.onnx", sys.argv[2], write_data=False)


if __name__ == "__main__":
    main()
