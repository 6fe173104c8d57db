#!/usr/bin/python3
"""Writes the tiny ONNX models the runtime tests load (org.creativebridge.inference.runtime).

Usage: /usr/bin/python3 make_runtime_test_models.py OUTPUT_DIR

Needs only Debian's python3-onnx (no PyPI, no numpy calls beyond what onnx itself imports).
Each model is small enough to write on every test run, so no binary fixtures live in the repo.
"""

import os
import struct
import sys

import onnx
from onnx import TensorProto, helper

# ONNX Runtime 1.29 reads every IR/opset this onnx can write; pin them so a newer python3-onnx
# cannot silently produce a model an older runtime refuses.
OPSET = [helper.make_opsetid("", 17)]
IR_VERSION = 8


def save(graph, path, **kwargs):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="creative-bridge-tests")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save_model(model, path, **kwargs)


def scalar(name, elem_type, value):
    return helper.make_tensor(name, elem_type, [], [value])


def affine(out_dir, k):
    """y = k*x + 1 for x float32 [1,3,height,width]; distinct k gives distinct files (and sha256)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, "height", "width"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, "height", "width"])
    nodes = [
        helper.make_node("Mul", ["x", "k"], ["kx"]),
        helper.make_node("Add", ["kx", "one"], ["y"]),
    ]
    inits = [scalar("k", TensorProto.FLOAT, float(k)), scalar("one", TensorProto.FLOAT, 1.0)]
    save(helper.make_graph(nodes, "affine", [x], [y], inits), os.path.join(out_dir, "affine_%d.onnx" % k))


def affine_fixed(out_dir):
    """Same as affine(2) but exported at a fixed 8x8 size."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 8, 8])
    nodes = [
        helper.make_node("Mul", ["x", "k"], ["kx"]),
        helper.make_node("Add", ["kx", "one"], ["y"]),
    ]
    inits = [scalar("k", TensorProto.FLOAT, 2.0), scalar("one", TensorProto.FLOAT, 1.0)]
    save(helper.make_graph(nodes, "affine_fixed", [x], [y], inits), os.path.join(out_dir, "affine_fixed.onnx"))


def mask_u8(out_dir):
    """result = mask, with mask uint8 [1,1,-1,-1]: a model whose input is not float."""
    mask = helper.make_tensor_value_info("mask", TensorProto.UINT8, [1, 1, "h", "w"])
    result = helper.make_tensor_value_info("result", TensorProto.UINT8, [1, 1, "h", "w"])
    nodes = [helper.make_node("Identity", ["mask"], ["result"])]
    save(helper.make_graph(nodes, "mask_u8", [mask], [result]), os.path.join(out_dir, "mask_u8.onnx"))


def endless_loop(out_dir):
    """A Loop whose trip count (2^40) keeps the CPU busy for hours: only RunOptions.terminate ends it.

    Each iteration computes v = tanh(v @ x) on 64x64 floats, so every iteration is real work and the
    executor checks the terminate flag between the body's nodes.
    """
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 64])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 64])

    body = helper.make_graph(
        [
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
            helper.make_node("MatMul", ["v_in", "x"], ["prod"]),
            helper.make_node("Tanh", ["prod"], ["v_out"]),
        ],
        "body",
        [
            helper.make_tensor_value_info("iter", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("v_in", TensorProto.FLOAT, [64, 64]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [64, 64]),
        ],
    )
    nodes = [helper.make_node("Loop", ["trips", "keep_going", "x"], ["y"], body=body)]
    inits = [scalar("trips", TensorProto.INT64, 1 << 40), scalar("keep_going", TensorProto.BOOL, True)]
    save(helper.make_graph(nodes, "endless_loop", [x], [y], inits), os.path.join(out_dir, "endless_loop.onnx"))


def external_weights(out_dir):
    """y = x + w with w float32 [1,1024] stored beside the model in external_weights.onnx.data."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1024])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1024])
    # Only raw_data tensors move to external files, so pack the weights as little-endian bytes.
    weights = struct.pack("<1024f", *[float(i) for i in range(1024)])
    w = helper.make_tensor("w", TensorProto.FLOAT, [1, 1024], weights, raw=True)
    nodes = [helper.make_node("Add", ["x", "w"], ["y"])]
    save(
        helper.make_graph(nodes, "external_weights", [x], [y], [w]),
        os.path.join(out_dir, "external_weights.onnx"),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="external_weights.onnx.data",
        size_threshold=0,
    )


def huge_alloc(out_dir):
    """y = ConstantOfShape(shape): asking for an absurd shape makes ONNX Runtime fail to allocate."""
    shape = helper.make_tensor_value_info("shape", TensorProto.INT64, [1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["y"],
                              value=helper.make_tensor("v", TensorProto.FLOAT, [1], [1.0]))]
    save(helper.make_graph(nodes, "huge_alloc", [shape], [y]), os.path.join(out_dir, "huge_alloc.onnx"))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_runtime_test_models.py OUTPUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for k in (2, 3, 5):
        affine(out_dir, k)
    affine_fixed(out_dir)
    mask_u8(out_dir)
    endless_loop(out_dir)
    external_weights(out_dir)
    huge_alloc(out_dir)


if __name__ == "__main__":
    main()
