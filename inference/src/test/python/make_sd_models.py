#!/usr/bin/python3
"""Writes tiny Stable Diffusion 1.5 inpainting look-alikes in diffusers' ONNX folder layout.

Usage: /usr/bin/python3 make_sd_models.py OUTPUT_DIR

Every folder holds text_encoder/, unet/, vae_encoder/ and vae_decoder/model.onnx with the exact
tensor names, element types and ranks of diffusers' export (latent channels 4, text 77 x 768),
but each model computes simple deterministic arithmetic that the tests recompute on their own:

  text_encoder  last_hidden_state[b, i, :] = float(input_ids[b, i])      (echoes the token ids)
  unet          out_sample = 0.1 * latents + 0.05 * mask + 0.02 * masked_latents
                             + 0.0001 * float(timestep) + 0.00001 * mean(encoder_hidden_states[b] - 49407)
                (latents, mask, masked_latents = sample channels 0..3, 4, 5..8; a 4-channel UNet
                uses only the first term and the last two)
  vae_encoder   latent_sample = 8x8 average pool of sample's 3 channels, plus their mean as channel 3
  vae_decoder   sample = 0.02 * nearest 8x upsample of latent_sample channels 0..2

Folders written (the variants differ only where named):
  sd15/               int32 input_ids, 9-channel UNet, timestep int64 [1]
  sd15-float-timestep UNet timestep float32 [1]
  sd15-scalar-timestep UNet timestep int64 scalar
  sd15-int64-ids      text encoder input_ids int64
  sd15-4ch            a text-to-image UNet (4 input channels), which the inpaint engine refuses

Needs only Debian's python3-onnx; generated on every run, so no binary fixtures live in the repo.
"""

import os
import sys

import onnx
from onnx import TensorProto, helper

# Pinned so a newer python3-onnx cannot write a model ONNX Runtime refuses.
OPSET = [helper.make_opsetid("", 17)]
IR_VERSION = 8

TOKENS = 77
HIDDEN = 768
EOS = 49407


def save(graph, folder, component):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="creative-bridge-tests")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    os.makedirs(os.path.join(folder, component), exist_ok=True)
    onnx.save_model(model, os.path.join(folder, component, "model.onnx"))


def scalar(name, value):
    return helper.make_tensor(name, TensorProto.FLOAT, [], [value])


def ints(name, values):
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)


def text_encoder(folder, ids_type):
    ids = helper.make_tensor_value_info("input_ids", ids_type, ["batch", TOKENS])
    hidden = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", TOKENS, HIDDEN])
    nodes = [
        helper.make_node("Cast", ["input_ids"], ["ids_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["ids_float", "axis_2"], ["ids_column"]),
        # Expand keeps the model a few hundred bytes while giving the real hidden size.
        helper.make_node("Expand", ["ids_column", "hidden_shape"], ["last_hidden_state"]),
    ]
    constants = [ints("axis_2", [2]), ints("hidden_shape", [1, 1, HIDDEN])]
    save(helper.make_graph(nodes, "text_encoder", [ids], [hidden], constants), folder, "text_encoder")


def unet(folder, channels, timestep_type, timestep_shape):
    sample = helper.make_tensor_value_info("sample", TensorProto.FLOAT, ["batch", channels, "height", "width"])
    timestep = helper.make_tensor_value_info("timestep", timestep_type, timestep_shape)
    hidden = helper.make_tensor_value_info(
        "encoder_hidden_states", TensorProto.FLOAT, ["batch", TOKENS, HIDDEN])
    out = helper.make_tensor_value_info("out_sample", TensorProto.FLOAT, ["batch", 4, "height", "width"])
    nodes = [
        helper.make_node("Slice", ["sample", "start_0", "end_4", "axis_1"], ["latents"]),
        helper.make_node("Mul", ["latents", "c_latents"], ["term_latents"]),
        helper.make_node("Cast", ["timestep"], ["t_float"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["t_float", "c_timestep"], ["term_timestep"]),
        # EOS is subtracted before averaging so the float32 sum stays exact (ids are integers).
        helper.make_node("Sub", ["encoder_hidden_states", "eos"], ["text_offset"]),
        helper.make_node("ReduceMean", ["text_offset"], ["text_mean"], axes=[1, 2], keepdims=1),
        helper.make_node("Unsqueeze", ["text_mean", "axis_3"], ["text_mean_4d"]),
        helper.make_node("Mul", ["text_mean_4d", "c_text"], ["term_text"]),
        helper.make_node("Add", ["term_latents", "term_timestep"], ["partial_1"]),
        helper.make_node("Add", ["partial_1", "term_text"], ["partial_2"]),
    ]
    constants = [
        ints("start_0", [0]), ints("end_4", [4]), ints("axis_1", [1]), ints("axis_3", [3]),
        scalar("c_latents", 0.1), scalar("c_timestep", 0.0001), scalar("c_text", 0.00001),
        scalar("eos", float(EOS)),
    ]
    if channels == 9:
        nodes += [
            helper.make_node("Slice", ["sample", "end_4", "end_5", "axis_1"], ["mask"]),
            helper.make_node("Slice", ["sample", "end_5", "end_9", "axis_1"], ["masked"]),
            helper.make_node("Mul", ["mask", "c_mask"], ["term_mask"]),
            helper.make_node("Mul", ["masked", "c_masked"], ["term_masked"]),
            helper.make_node("Add", ["partial_2", "term_mask"], ["partial_3"]),
            helper.make_node("Add", ["partial_3", "term_masked"], ["out_sample"]),
        ]
        constants += [ints("end_5", [5]), ints("end_9", [9]), scalar("c_mask", 0.05), scalar("c_masked", 0.02)]
    else:
        nodes.append(helper.make_node("Identity", ["partial_2"], ["out_sample"]))
    save(helper.make_graph(nodes, "unet", [sample, timestep, hidden], [out], constants), folder, "unet")


def vae_encoder(folder):
    sample = helper.make_tensor_value_info("sample", TensorProto.FLOAT, ["batch", 3, "height", "width"])
    latent = helper.make_tensor_value_info(
        "latent_sample", TensorProto.FLOAT, ["batch", 4, "latent_height", "latent_width"])
    nodes = [
        helper.make_node("AveragePool", ["sample"], ["pooled"], kernel_shape=[8, 8], strides=[8, 8]),
        helper.make_node("ReduceMean", ["pooled"], ["pooled_mean"], axes=[1], keepdims=1),
        helper.make_node("Concat", ["pooled", "pooled_mean"], ["latent_sample"], axis=1),
    ]
    save(helper.make_graph(nodes, "vae_encoder", [sample], [latent]), folder, "vae_encoder")


def vae_decoder(folder):
    latent = helper.make_tensor_value_info(
        "latent_sample", TensorProto.FLOAT, ["batch", 4, "latent_height", "latent_width"])
    sample = helper.make_tensor_value_info("sample", TensorProto.FLOAT, ["batch", 3, "height", "width"])
    nodes = [
        helper.make_node("Slice", ["latent_sample", "start_0", "end_3", "axis_1"], ["rgb_latents"]),
        helper.make_node("Resize", ["rgb_latents", "", "scales"], ["upsampled"], mode="nearest"),
        helper.make_node("Mul", ["upsampled", "c_decode"], ["sample"]),
    ]
    constants = [
        ints("start_0", [0]), ints("end_3", [3]), ints("axis_1", [1]),
        helper.make_tensor("scales", TensorProto.FLOAT, [4], [1.0, 1.0, 8.0, 8.0]),
        scalar("c_decode", 0.02),
    ]
    save(helper.make_graph(nodes, "vae_decoder", [latent], [sample], constants), folder, "vae_decoder")


def pipeline(out_dir, name, ids_type=TensorProto.INT32, unet_channels=9,
             timestep_type=TensorProto.INT64, timestep_shape=(1,)):
    folder = os.path.join(out_dir, name)
    text_encoder(folder, ids_type)
    unet(folder, unet_channels, timestep_type, list(timestep_shape))
    vae_encoder(folder)
    vae_decoder(folder)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_sd_models.py OUTPUT_DIR")
    out_dir = sys.argv[1]
    pipeline(out_dir, "sd15")
    pipeline(out_dir, "sd15-float-timestep", timestep_type=TensorProto.FLOAT)
    pipeline(out_dir, "sd15-scalar-timestep", timestep_shape=())
    pipeline(out_dir, "sd15-int64-ids", ids_type=TensorProto.INT64)
    pipeline(out_dir, "sd15-4ch", unet_channels=4)


if __name__ == "__main__":
    main()
