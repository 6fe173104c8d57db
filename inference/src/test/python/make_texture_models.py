#!/usr/bin/python3
"""Writes the tiny ONNX models the texture tests load (org.creativebridge.inference.image.texture).

Usage: /usr/bin/python3 make_texture_models.py OUTPUT_DIR

Each model has the exact input and output names, element types and shapes of a real export but
computes simple deterministic arithmetic, so the tests can assert the engines' preprocessing and
postprocessing exactly. Needs only Debian's python3-onnx; written on every test run.

- depth_anything.onnx: the transformers/optimum Depth Anything V2 layout, pixel_values float32
  [1,3,H,W] -> predicted_depth float32 [1,H,W] = the mean over the three channels. Like the real
  ViT it only takes sides that are multiples of the patch size 14: the input passes through
  SpaceToDepth(14) and back, which ONNX Runtime refuses for any other size.
- depth_anything_alt.onnx: the same arithmetic under the other common names, image -> depth
  [1,1,H,W].
"""

import os
import sys

import onnx
from onnx import TensorProto, helper

# Pinned so a newer python3-onnx cannot write a model ONNX Runtime 1.29 refuses.
OPSET = [helper.make_opsetid("", 17)]
IR_VERSION = 8
PATCH = 14


def save(graph, path):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="creative-bridge-tests")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save_model(model, path)


def depth_model(input_name, output_name, keep_channel_dim):
    nodes = [
        helper.make_node("SpaceToDepth", [input_name], ["patches"], blocksize=PATCH),
        helper.make_node("DepthToSpace", ["patches"], ["restored"], blocksize=PATCH, mode="DCR"),
        helper.make_node(
            "ReduceMean", ["restored"], [output_name], axes=[1], keepdims=1 if keep_channel_dim else 0
        ),
    ]
    pixels = helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [1, 3, "height", "width"])
    out_shape = [1, 1, "height", "width"] if keep_channel_dim else [1, "height", "width"]
    depth = helper.make_tensor_value_info(output_name, TensorProto.FLOAT, out_shape)
    return helper.make_graph(nodes, "depth_anything_lookalike", [pixels], [depth])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    save(depth_model("pixel_values", "predicted_depth", False), os.path.join(out, "depth_anything.onnx"))
    save(depth_model("image", "depth", True), os.path.join(out, "depth_anything_alt.onnx"))


if __name__ == "__main__":
    main()
