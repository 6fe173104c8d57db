#!/usr/bin/python3
"""Writes the tiny ONNX models the model-inpaint tests load (org.creativebridge.inference.image.inpaint).

Usage: /usr/bin/python3 make_inpaint_models.py OUTPUT_DIR

Each model has the exact input and output names, element types and shapes of a real family (the
LaMa 512 export, the MI-GAN pipeline export) but computes simple deterministic arithmetic, so the
tests can assert the engines' crop, resize, paste and composite exactly. Needs only Debian's
python3-onnx; the models are written on every test run, so no binary fixtures live in the repo.
"""

import os
import sys

import onnx
from onnx import TensorProto, helper

# Pinned so a newer python3-onnx cannot write a model ONNX Runtime 1.29 refuses.
OPSET = [helper.make_opsetid("", 17)]
IR_VERSION = 8

LAMA_SIDE = 512
# The value every hole pixel takes in the arithmetic models, in 0..1.
LAMA_HOLE_VALUE = 0.25
MIGAN_HOLE_CODE = 64


def save(graph, path):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="creative-bridge-tests")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save_model(model, path)


def scalar(name, elem_type, value):
    return helper.make_tensor(name, elem_type, [], [value])


def lama_arithmetic_nodes(result_name):
    """result = 255 * (image * (1 - mask) + 0.25 * mask), LaMa's composited 0..255 output."""
    return [
        helper.make_node("Sub", ["one", "mask"], ["keep"]),
        helper.make_node("Mul", ["image", "keep"], ["kept"]),
        helper.make_node("Mul", ["mask", "hole_value"], ["filled"]),
        helper.make_node("Add", ["kept", "filled"], ["unit"]),
        helper.make_node("Mul", ["unit", "full_scale"], [result_name]),
    ]


def lama_constants():
    return [
        scalar("one", TensorProto.FLOAT, 1.0),
        scalar("hole_value", TensorProto.FLOAT, LAMA_HOLE_VALUE),
        scalar("full_scale", TensorProto.FLOAT, 255.0),
    ]


def lama_io(mask_type=TensorProto.FLOAT):
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, LAMA_SIDE, LAMA_SIDE])
    mask = helper.make_tensor_value_info("mask", mask_type, [1, 1, LAMA_SIDE, LAMA_SIDE])
    output = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 3, LAMA_SIDE, LAMA_SIDE])
    return image, mask, output


def lama_arithmetic(out_dir):
    image, mask, output = lama_io()
    graph = helper.make_graph(lama_arithmetic_nodes("output"), "lama_arithmetic", [image, mask], [output], lama_constants())
    save(graph, os.path.join(out_dir, "lama_arithmetic.onnx"))


def lama_mask_uint8(out_dir):
    """A LaMa look-alike whose mask is uint8: the engine must refuse it at lease time."""
    image, mask, output = lama_io(mask_type=TensorProto.UINT8)
    nodes = [helper.make_node("Cast", ["mask"], ["mask_float"], to=TensorProto.FLOAT)]
    for node in lama_arithmetic_nodes("output"):
        # The arithmetic reads the cast mask instead of the uint8 input.
        inputs = ["mask_float" if name == "mask" else name for name in node.input]
        nodes.append(helper.make_node(node.op_type, inputs, list(node.output)))
    graph = helper.make_graph(nodes, "lama_mask_uint8", [image, mask], [output], lama_constants())
    save(graph, os.path.join(out_dir, "lama_mask_uint8.onnx"))


def lama_endless(out_dir):
    """The LaMa arithmetic plus 0 * (a 2^40-trip Loop seeded from the image): only cancel ends it.

    The loop state comes from the input, so ONNX Runtime cannot fold it away at load; each trip is a
    64x64 MatMul, and the executor checks the terminate flag between the body's nodes.
    """
    image, mask, output = lama_io()
    body = helper.make_graph(
        [
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
            helper.make_node("MatMul", ["v_in", "v_in"], ["squared"]),
            helper.make_node("Tanh", ["squared"], ["v_out"]),
        ],
        "body",
        [
            helper.make_tensor_value_info("trip", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("v_in", TensorProto.FLOAT, [64, 64]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [64, 64]),
        ],
    )
    nodes = lama_arithmetic_nodes("arithmetic") + [
        helper.make_node("Slice", ["image", "starts", "ends"], ["strip"]),
        helper.make_node("Reshape", ["strip", "square"], ["seed"]),
        helper.make_node("Loop", ["trips", "keep_going", "seed"], ["settled"], body=body),
        helper.make_node("ReduceSum", ["settled"], ["total"], keepdims=0),
        helper.make_node("Mul", ["total", "zero"], ["nothing"]),
        helper.make_node("Add", ["arithmetic", "nothing"], ["output"]),
    ]
    constants = lama_constants() + [
        helper.make_tensor("starts", TensorProto.INT64, [4], [0, 0, 0, 0]),
        helper.make_tensor("ends", TensorProto.INT64, [4], [1, 1, 8, LAMA_SIDE]),
        helper.make_tensor("square", TensorProto.INT64, [2], [64, 64]),
        scalar("trips", TensorProto.INT64, 1 << 40),
        scalar("keep_going", TensorProto.BOOL, True),
        scalar("zero", TensorProto.FLOAT, 0.0),
    ]
    graph = helper.make_graph(nodes, "lama_endless", [image, mask], [output], constants)
    save(graph, os.path.join(out_dir, "lama_endless.onnx"))


def migan(out_dir, name, height, width, mask_type=TensorProto.UINT8):
    """result = image where mask == 255 (keep) else 64, the MI-GAN pipeline's uint8 signature."""
    image = helper.make_tensor_value_info("image", TensorProto.UINT8, [1, 3, height, width])
    mask = helper.make_tensor_value_info("mask", mask_type, [1, 1, height, width])
    result = helper.make_tensor_value_info("result", TensorProto.UINT8, [1, 3, height, width])
    nodes = [
        # Compared as float: ORT's Equal has no uint8 kernel on every build.
        helper.make_node("Cast", ["mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Equal", ["mask_float", "keep_code"], ["keep"]),
        helper.make_node("Where", ["keep", "image", "hole_code"], ["result"]),
    ]
    constants = [
        scalar("keep_code", TensorProto.FLOAT, 255.0),
        scalar("hole_code", TensorProto.UINT8, MIGAN_HOLE_CODE),
    ]
    graph = helper.make_graph(nodes, name, [image, mask], [result], constants)
    save(graph, os.path.join(out_dir, name + ".onnx"))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_inpaint_models.py OUTPUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    lama_arithmetic(out_dir)
    lama_mask_uint8(out_dir)
    lama_endless(out_dir)
    migan(out_dir, "migan_arithmetic", "height", "width")
    migan(out_dir, "migan_fixed_256", 256, 256)
    migan(out_dir, "migan_mask_float", "height", "width", mask_type=TensorProto.FLOAT)


if __name__ == "__main__":
    main()
