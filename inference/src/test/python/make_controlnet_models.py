#!/usr/bin/python3
"""Writes tiny depth-conditioned Stable Diffusion look-alikes for image.texture_from_depth.

Usage: /usr/bin/python3 make_controlnet_models.py OUTPUT_DIR

Exact tensor names, element types and ranks of the real exports, simple arithmetic inside, so the
Java tests recompute every value on their own (t = float(timestep), text = mean over tokens and
hidden of encoder_hidden_states[b] - 49407, cmean = mean of the control image of batch entry b):

  text_encoder  last_hidden_state[b, i, :] = float(input_ids[b, i])   (hidden 768, or 1024 for SD 2)
  vae_encoder   latent_sample = 8x8 average pool of the 3 channels, plus their mean as channel 3
  vae_decoder   sample = 0.02 * nearest 8x upsample of latent channels 0..2

  cn-fused      unet: noise_pred = 0.1 * sample + 0.0001 * t + 0.00001 * text
                                   + conditioning_scales * cmean   (controlnet_conds [N, 2B, 3, H, W])
  cn-split      (residual channel dims are symbolic: the real ones are 320..1280, which the tiny
                models replace by 4, the latent channels, so the UNet can add them to its output)
                controlnet: down_block_k_additional_residual = scale * (k + 1) * 0.001 * P
                            mid_block_additional_residual  = scale * 0.02 * P
                            where P = 8x8 average pool of the control's channel mean, repeated on 4 channels
                unet: out_sample = 0.1 * sample + 0.0001 * t + 0.00001 * text + sum of the 13 residuals
  cn-blur       as cn-fused, plus a spatial term: (latents - 3x3 box blur of latents, zero padded)
                / sqrt(1 - alpha_bar(t)), so each step's clean estimate is a blur of the latents: the
                result is smooth, depends on neighbours, and a seam shows where context ends
  cn-plain      a text-to-image UNet (4 channels, no control input) and no controlnet/: refused
  sd2-depth     unet: sample [B, 5, h, w] (latents 4 + depth 1), text 1024:
                out_sample = 0.1 * latents + 0.05 * depth + 0.0001 * t + 0.00001 * text
  sd2-4ch       an SD 2 text-to-image UNet (4 channels): refused by the SD 2 depth engine
"""

import os
import sys

import onnx
from onnx import TensorProto, helper

OPSET = [helper.make_opsetid("", 17)]
IR_VERSION = 8
TOKENS = 77
EOS = 49407
RESIDUALS = 12


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


def fvi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def text_encoder(folder, hidden):
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT32, ["batch", TOKENS])
    out = fvi("last_hidden_state", ["batch", TOKENS, hidden])
    nodes = [
        helper.make_node("Cast", ["input_ids"], ["ids_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["ids_float", "axis_2"], ["ids_column"]),
        helper.make_node("Expand", ["ids_column", "hidden_shape"], ["last_hidden_state"]),
    ]
    constants = [ints("axis_2", [2]), ints("hidden_shape", [1, 1, hidden])]
    save(helper.make_graph(nodes, "text_encoder", [ids], [out], constants), folder, "text_encoder")


def vae(folder):
    sample = fvi("sample", ["batch", 3, "height", "width"])
    latent = fvi("latent_sample", ["batch", 4, "lh", "lw"])
    nodes = [
        helper.make_node("AveragePool", ["sample"], ["pooled"], kernel_shape=[8, 8], strides=[8, 8]),
        helper.make_node("ReduceMean", ["pooled"], ["pooled_mean"], axes=[1], keepdims=1),
        helper.make_node("Concat", ["pooled", "pooled_mean"], ["latent_sample"], axis=1),
    ]
    save(helper.make_graph(nodes, "vae_encoder", [sample], [latent]), folder, "vae_encoder")
    latent_in = fvi("latent_sample", ["batch", 4, "lh", "lw"])
    image = fvi("sample", ["batch", 3, "height", "width"])
    nodes = [
        helper.make_node("Slice", ["latent_sample", "start_0", "end_3", "axis_1"], ["rgb"]),
        helper.make_node("Resize", ["rgb", "", "scales"], ["up"], mode="nearest"),
        helper.make_node("Mul", ["up", "c_decode"], ["sample"]),
    ]
    constants = [
        ints("start_0", [0]), ints("end_3", [3]), ints("axis_1", [1]),
        helper.make_tensor("scales", TensorProto.FLOAT, [4], [1.0, 1.0, 8.0, 8.0]),
        scalar("c_decode", 0.02),
    ]
    save(helper.make_graph(nodes, "vae_decoder", [latent_in], [image], constants), folder, "vae_decoder")


def common_terms(hidden):
    """Nodes giving 'base' = 0.1 * latents + 0.0001 * t + 0.00001 * text from sample's first 4 channels."""
    nodes = [
        helper.make_node("Slice", ["sample", "start_0", "end_4", "axis_1"], ["latents"]),
        helper.make_node("Mul", ["latents", "c_latents"], ["term_latents"]),
        helper.make_node("Cast", ["timestep"], ["t_float"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["t_float", "c_timestep"], ["term_timestep"]),
        helper.make_node("Sub", ["encoder_hidden_states", "eos"], ["text_offset"]),
        helper.make_node("ReduceMean", ["text_offset"], ["text_mean"], axes=[1, 2], keepdims=1),
        helper.make_node("Unsqueeze", ["text_mean", "axis_3"], ["text_mean_4d"]),
        helper.make_node("Mul", ["text_mean_4d", "c_text"], ["term_text"]),
        helper.make_node("Add", ["term_latents", "term_timestep"], ["partial"]),
        helper.make_node("Add", ["partial", "term_text"], ["base"]),
    ]
    constants = [
        ints("start_0", [0]), ints("end_4", [4]), ints("axis_1", [1]), ints("axis_3", [3]),
        scalar("c_latents", 0.1), scalar("c_timestep", 0.0001), scalar("c_text", 0.00001),
        scalar("eos", float(EOS)),
    ]
    inputs = [
        fvi("sample", ["batch", 4, "h", "w"]),
        helper.make_tensor_value_info("timestep", TensorProto.INT64, [1]),
        fvi("encoder_hidden_states", ["batch", TOKENS, hidden]),
    ]
    return nodes, constants, inputs


def fused_unet(folder, blur):
    nodes, constants, inputs = common_terms(768)
    inputs += [fvi("controlnet_conds", ["n", "batch", 3, "height", "width"]), fvi("conditioning_scales", ["n", 1])]
    nodes += [
        helper.make_node("ReduceMean", ["controlnet_conds"], ["cmean_5d"], axes=[0, 2, 3, 4], keepdims=1),
        helper.make_node("Squeeze", ["cmean_5d", "axis_0"], ["cmean"]),
        helper.make_node("ReduceMean", ["conditioning_scales"], ["scale"], axes=[0, 1], keepdims=1),
        helper.make_node("Mul", ["cmean", "scale"], ["term_control"]),
        helper.make_node("Add", ["base", "term_control"], ["guided" if blur else "noise_pred"]),
    ]
    constants += [ints("axis_0", [0])]
    if blur:
        nodes += [
            helper.make_node("AveragePool", ["latents"], ["blurred"], kernel_shape=[3, 3],
                             pads=[1, 1, 1, 1], count_include_pad=1),
            helper.make_node("Sub", ["latents", "blurred"], ["detail"]),
            helper.make_node("Gather", ["inverse_sigma", "timestep"], ["gain"], axis=0),
            helper.make_node("Mul", ["detail", "gain"], ["term_blur"]),
            helper.make_node("Add", ["guided", "term_blur"], ["noise_pred"]),
        ]
        constants += [helper.make_tensor("inverse_sigma", TensorProto.FLOAT, [1000], inverse_sigmas())]
    out = fvi("noise_pred", ["batch", 4, "h", "w"])
    save(helper.make_graph(nodes, "unet", inputs, [out], constants), folder, "unet")


def inverse_sigmas():
    """1 / sqrt(1 - alpha_bar(t)) of SD's scaled-linear schedule, so the blur term is the whole
    detail of the sample and the predicted clean latents are its blur: a smooth result."""
    start, end, count = 0.00085 ** 0.5, 0.012 ** 0.5, 1000
    product, out = 1.0, []
    for t in range(count):
        beta = (start + (end - start) * t / (count - 1)) ** 2
        product *= 1.0 - beta
        out.append(1.0 / (1.0 - product) ** 0.5)
    return out


def residual_names():
    return ["down_block_%d_additional_residual" % k for k in range(RESIDUALS)] + ["mid_block_additional_residual"]


def split_models(folder):
    nodes, constants, inputs = common_terms(768)
    cn_inputs = list(inputs) + [fvi("controlnet_cond", ["batch", 3, "height", "width"]), fvi("conditioning_scale", [1])]
    cn_nodes = [
        helper.make_node("ReduceMean", ["controlnet_cond"], ["grey"], axes=[1], keepdims=1),
        helper.make_node("AveragePool", ["grey"], ["pooled"], kernel_shape=[8, 8], strides=[8, 8]),
        helper.make_node("Shape", ["sample"], ["sample_shape"]),
        helper.make_node("Expand", ["pooled", "sample_shape"], ["spread"]),
        helper.make_node("Mul", ["spread", "conditioning_scale"], ["scaled"]),
        # Timestep and text are read so the graph keeps every declared input.
        helper.make_node("Cast", ["timestep"], ["t_float"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["t_float", "zero"], ["t_zero"]),
        helper.make_node("ReduceMean", ["encoder_hidden_states"], ["text_mean"], axes=[0, 1, 2], keepdims=0),
        helper.make_node("Mul", ["text_mean", "zero"], ["text_zero"]),
        helper.make_node("Add", ["t_zero", "text_zero"], ["nothing"]),
        helper.make_node("Add", ["scaled", "nothing"], ["scaled_all"]),
    ]
    cn_constants = [scalar("zero", 0.0)]
    outs = []
    for k, name in enumerate(residual_names()):
        factor = 0.02 if k == RESIDUALS else (k + 1) * 0.001
        cn_nodes.append(helper.make_node("Mul", ["scaled_all", "c_%d" % k], [name]))
        cn_constants.append(scalar("c_%d" % k, factor))
        outs.append(fvi(name, ["batch", "channels_%d" % k, "h", "w"]))
    save(helper.make_graph(cn_nodes, "controlnet", cn_inputs, outs, cn_constants), folder, "controlnet")

    unet_inputs = list(inputs) + [fvi(name, ["batch", "channels_%d" % k, "h", "w"])
                                  for k, name in enumerate(residual_names())]
    previous = "base"
    for k, name in enumerate(residual_names()):
        out = "out_sample" if k == RESIDUALS else "sum_%d" % k
        nodes.append(helper.make_node("Add", [previous, name], [out]))
        previous = out
    save(helper.make_graph(nodes, "unet", unet_inputs, [fvi("out_sample", ["batch", 4, "h", "w"])], constants),
         folder, "unet")


def plain_unet(folder, hidden, channels):
    nodes, constants, inputs = common_terms(hidden)
    inputs[0] = fvi("sample", ["batch", channels, "h", "w"])
    if channels == 5:
        nodes += [
            helper.make_node("Slice", ["sample", "end_4", "end_5", "axis_1"], ["depth"]),
            helper.make_node("Mul", ["depth", "c_depth"], ["term_depth"]),
            helper.make_node("Add", ["base", "term_depth"], ["out_sample"]),
        ]
        constants += [ints("end_5", [5]), scalar("c_depth", 0.05)]
    else:
        nodes.append(helper.make_node("Identity", ["base"], ["out_sample"]))
    save(helper.make_graph(nodes, "unet", inputs, [fvi("out_sample", ["batch", 4, "h", "w"])], constants),
         folder, "unet")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_controlnet_models.py OUTPUT_DIR")
    out = sys.argv[1]
    for name in ["cn-fused", "cn-split", "cn-blur", "cn-plain"]:
        folder = os.path.join(out, name)
        text_encoder(folder, 768)
        vae(folder)
    fused_unet(os.path.join(out, "cn-fused"), blur=False)
    fused_unet(os.path.join(out, "cn-blur"), blur=True)
    split_models(os.path.join(out, "cn-split"))
    plain_unet(os.path.join(out, "cn-plain"), 768, 4)
    for name, channels in [("sd2-depth", 5), ("sd2-4ch", 4)]:
        folder = os.path.join(out, name)
        text_encoder(folder, 1024)
        vae(folder)
        plain_unet(folder, 1024, channels)


if __name__ == "__main__":
    main()
