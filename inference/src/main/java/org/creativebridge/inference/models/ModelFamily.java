package org.creativebridge.inference.models;

import org.creativebridge.inference.audio.tts.PiperTtsEngine;
import org.creativebridge.inference.image.inpaint.LamaInpaintEngine;
import org.creativebridge.inference.image.inpaint.MiganInpaintEngine;
import org.creativebridge.inference.diffusion.TextEncoder;
import org.creativebridge.inference.diffusion.VaeDecoder;
import org.creativebridge.inference.diffusion.VaeEncoder;
import org.creativebridge.inference.image.texture.ControlNetTextureEngine;
import org.creativebridge.inference.image.texture.DepthAnythingEngine;
import org.creativebridge.inference.image.texture.Sd2DepthTextureEngine;
import static org.creativebridge.inference.runtime.ElementType.FLOAT16;
import static org.creativebridge.inference.runtime.ElementType.FLOAT32;
import static org.creativebridge.inference.runtime.ElementType.INT32;
import static org.creativebridge.inference.runtime.ElementType.INT64;
import static org.creativebridge.inference.runtime.ElementType.UINT8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelContract.Signature;
import org.creativebridge.inference.runtime.ModelContract.TensorType;

/**
 * The model families the engines can run, each with its task and the ONNX contract(s) its files
 * must fit. Used to check a file against the family a user names, and to detect the family of a
 * file the user imports from its input and output signature alone.
 *
 * <p>Contracts accept every common export of a family: where exporters differ (a timestep that is
 * int64 or float32, fp16 exports, Optimum's vs diffusers' VAE encoder), a tensor lists alternatives
 * or a component lists variants. Helper families whose exports name their tensors differently
 * (ContentVec, RMVPE) are matched by position: the engine feeds input 0 and reads output 0.
 *
 * <p>Immutable; thread-safe.
 */
public enum ModelFamily {
  LAMA(
      "lama",
      "image.inpaint",
      List.of(),
      // The engine owns its contract: detection and loading can never disagree.
      Component.single(Naming.BY_NAME, LamaInpaintEngine.CONTRACT)),

  MIGAN(
      "migan",
      "image.inpaint",
      List.of(),
      Component.single(Naming.BY_NAME, MiganInpaintEngine.CONTRACT)),

  SD15_INPAINT(
      "sd15-inpaint",
      "image.inpaint",
      List.of(),
      new Component(
          "text_encoder/model.onnx",
          Naming.BY_NAME,
          List.of(
              ModelContract.builder("sd15-inpaint text_encoder")
                  .input("input_ids", type(INT32, -1, 77), type(INT64, -1, 77))
                  .output("last_hidden_state", type(FLOAT32, -1, 77, 768), type(FLOAT16, -1, 77, 768))
                  // diffusers' export also returns the pooled embedding, which SD does not use.
                  .optionalOutput("pooler_output", type(FLOAT32, -1, 768), type(FLOAT16, -1, 768))
                  .build())),
      new Component(
          "unet/model.onnx",
          Naming.BY_NAME,
          List.of(
              ModelContract.builder("sd15-inpaint unet")
                  // 9 channels: latents 4 + mask 1 + masked-image latents 4.
                  .input("sample", type(FLOAT32, -1, 9, -1, -1), type(FLOAT16, -1, 9, -1, -1))
                  .input(
                      "timestep",
                      type(INT64, -1),
                      type(FLOAT32, -1),
                      type(FLOAT16, -1),
                      type(INT64, 1),
                      type(FLOAT32, 1))
                  .input(
                      "encoder_hidden_states",
                      type(FLOAT32, -1, 77, 768),
                      type(FLOAT16, -1, 77, 768))
                  .output("out_sample", type(FLOAT32, -1, 4, -1, -1), type(FLOAT16, -1, 4, -1, -1))
                  .build())),
      new Component(
          "vae_encoder/model.onnx",
          Naming.BY_NAME,
          List.of(
              ModelContract.builder("sd15-inpaint vae_encoder")
                  .input("sample", type(FLOAT32, -1, 3, -1, -1), type(FLOAT16, -1, 3, -1, -1))
                  .output(
                      "latent_sample", type(FLOAT32, -1, 4, -1, -1), type(FLOAT16, -1, 4, -1, -1))
                  .build(),
              // Optimum's export returns mean and log-variance (8 channels) instead of a sample.
              ModelContract.builder("sd15-inpaint vae_encoder")
                  .input("sample", type(FLOAT32, -1, 3, -1, -1), type(FLOAT16, -1, 3, -1, -1))
                  .output(
                      "latent_parameters",
                      type(FLOAT32, -1, 8, -1, -1),
                      type(FLOAT16, -1, 8, -1, -1))
                  .build())),
      new Component(
          "vae_decoder/model.onnx",
          Naming.BY_NAME,
          List.of(
              ModelContract.builder("sd15-inpaint vae_decoder")
                  .input(
                      "latent_sample", type(FLOAT32, -1, 4, -1, -1), type(FLOAT16, -1, 4, -1, -1))
                  .output("sample", type(FLOAT32, -1, 3, -1, -1), type(FLOAT16, -1, 3, -1, -1))
                  .build()))),

  /** SD 1.5 with ControlNet depth fused into the UNet (one graph takes the control image). */
  SD15_CONTROLNET_DEPTH(
      "sd15-controlnet-depth",
      "image.texture_from_depth",
      List.of(),
      new Component("text_encoder/model.onnx", Naming.BY_NAME, List.of(TextEncoder.CONTRACT)),
      new Component("unet/model.onnx", Naming.BY_NAME, List.of(ControlNetTextureEngine.FUSED_UNET)),
      new Component("vae_encoder/model.onnx", Naming.BY_NAME, List.of(VaeEncoder.CONTRACT)),
      new Component("vae_decoder/model.onnx", Naming.BY_NAME, List.of(VaeDecoder.CONTRACT))),

  /** SD 1.5 with a separate ControlNet depth model whose residuals feed the UNet. */
  SD15_CONTROLNET_DEPTH_SPLIT(
      "sd15-controlnet-depth-split",
      "image.texture_from_depth",
      List.of(),
      new Component("text_encoder/model.onnx", Naming.BY_NAME, List.of(TextEncoder.CONTRACT)),
      new Component("controlnet/model.onnx", Naming.BY_NAME, List.of(ControlNetTextureEngine.CONTROLNET)),
      new Component("unet/model.onnx", Naming.BY_NAME, List.of(ControlNetTextureEngine.SPLIT_UNET)),
      new Component("vae_encoder/model.onnx", Naming.BY_NAME, List.of(VaeEncoder.CONTRACT)),
      new Component("vae_decoder/model.onnx", Naming.BY_NAME, List.of(VaeDecoder.CONTRACT))),

  /** SD 2 depth: a 5-channel UNet (latents + depth) and a 1024-wide text encoder. */
  SD2_DEPTH(
      "sd2-depth",
      "image.texture_from_depth",
      List.of(),
      new Component("text_encoder/model.onnx", Naming.BY_NAME, List.of(Sd2DepthTextureEngine.TEXT_ENCODER)),
      new Component("unet/model.onnx", Naming.BY_NAME, List.of(Sd2DepthTextureEngine.UNET)),
      new Component("vae_encoder/model.onnx", Naming.BY_NAME, List.of(VaeEncoder.CONTRACT)),
      new Component("vae_decoder/model.onnx", Naming.BY_NAME, List.of(VaeDecoder.CONTRACT))),

  DEPTH_ANYTHING(
      "depth-anything",
      "image.depth",
      List.of(),
      Component.single(Naming.BY_NAME, DepthAnythingEngine.CONTRACT)),

  PIPER(
      "piper",
      "audio.tts",
      // The voice config (phoneme ids, sample rate, scales) lives beside the model.
      List.of(".json"),
      Component.single(Naming.BY_NAME, PiperTtsEngine.CONTRACT)),

  KOKORO(
      "kokoro",
      "audio.tts",
      List.of(),
      new Component(
          null,
          // Exports call the waveform "waveform" or "audio": the engine reads output 0.
          Naming.OUTPUTS_BY_POSITION,
          List.of(
              kokoro("input_ids"),
              // kokoro-onnx's earlier exports name the token input "tokens".
              kokoro("tokens")))),

  RVC(
      "rvc",
      "audio.voice_convert",
      List.of(),
      Component.single(
          Naming.OUTPUTS_BY_POSITION,
          ModelContract.builder("rvc")
              // 256 features for v1 models, 768 for v2.
              .input(
                  "phone",
                  type(FLOAT32, 1, -1, 256),
                  type(FLOAT32, 1, -1, 768),
                  type(FLOAT16, 1, -1, 256),
                  type(FLOAT16, 1, -1, 768))
              .input("phone_lengths", INT64, 1)
              .input("pitch", INT64, 1, -1)
              .input("pitchf", type(FLOAT32, 1, -1), type(FLOAT16, 1, -1))
              .input("ds", INT64, 1)
              .input("rnd", type(FLOAT32, 1, 192, -1), type(FLOAT16, 1, 192, -1))
              .output(
                  "audio",
                  type(FLOAT32, -1, -1, -1),
                  type(FLOAT16, -1, -1, -1),
                  type(FLOAT32, -1, -1),
                  type(FLOAT16, -1, -1))
              .build())),

  CONTENTVEC(
      "contentvec",
      null,
      List.of(),
      Component.single(
          Naming.BY_POSITION,
          ModelContract.builder("contentvec")
              // 16 kHz mono samples in; 50 Hz frames of 256 (v1) or 768 (v2) features out, in
              // either layout depending on the export.
              .input("source", type(FLOAT32, 1, 1, -1), type(FLOAT32, 1, -1))
              .output(
                  "embed",
                  type(FLOAT32, 1, -1, 768),
                  type(FLOAT32, 1, -1, 256),
                  type(FLOAT32, 1, 768, -1),
                  type(FLOAT32, 1, 256, -1))
              .build())),

  RMVPE(
      "rmvpe",
      null,
      List.of(),
      Component.single(
          Naming.BY_POSITION,
          ModelContract.builder("rmvpe")
              // 128-band log-mel at 100 frames/s in; 360 pitch-bin saliences per frame out.
              .input("mel", FLOAT32, 1, 128, -1)
              .output("hidden", FLOAT32, 1, -1, 360)
              .build()));

  private final String id;
  private final String task;
  private final List<String> companionSuffixes;
  private final List<Component> components;

  ModelFamily(String id, String task, List<String> companionSuffixes, Component... components) {
    this.id = id;
    this.task = task;
    this.companionSuffixes = List.copyOf(companionSuffixes);
    this.components = List.of(components);
  }

  /** The wire name, e.g. {@code sd15-inpaint}: catalogue entries and manifests use it. */
  public String id() {
    return id;
  }

  /**
   * The task the family's engine serves ({@code image.inpaint}, {@code audio.tts}, {@code
   * audio.voice_convert}), or null for a helper model another family uses (ContentVec and RMVPE
   * serve RVC).
   */
  public String task() {
    return task;
  }

  /** Whether this family only helps another (no engine of its own). */
  public boolean isHelper() {
    return task == null;
  }

  /** Whether the family's model is a folder of several ONNX files (SD 1.5 inpainting). */
  public boolean isFolder() {
    return components.get(0).path() != null;
  }

  /** The ONNX files the family consists of, in the order engines load them. */
  public List<Component> components() {
    return components;
  }

  /**
   * Suffixes of files that must sit beside a single-file model, appended to its file name: Piper's
   * {@code <voice>.onnx.json}. Empty for other families.
   */
  public List<String> companionSuffixes() {
    return companionSuffixes;
  }

  /**
   * The family's main contract (the first variant of its first component), for a single-file
   * family's engine to lease its session under. Engines of families with variants or positional
   * names should use {@link Component#contractFor(Signature)} instead.
   */
  public ModelContract contract() {
    return components.get(0).variants().get(0);
  }

  /** The component whose file is at {@code path} inside a folder model, if any. */
  public Optional<Component> component(String path) {
    return components.stream().filter(c -> Objects.equals(c.path(), path)).findFirst();
  }

  /** The family with wire name {@code id}, ignoring case. */
  public static Optional<ModelFamily> byId(String id) {
    return Arrays.stream(values()).filter(f -> f.id.equalsIgnoreCase(id)).findFirst();
  }

  /** The wire names of all families, for messages. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(ModelFamily::id).collect(Collectors.toList());
  }

  /**
   * The single-file families whose contract {@code signature} fits; when none does, what the file
   * looks like instead.
   */
  public static Detection detect(Signature signature) {
    Objects.requireNonNull(signature, "signature");
    List<ModelFamily> fits = new ArrayList<>();
    for (ModelFamily family : values()) {
      if (!family.isFolder() && family.components.get(0).fits(signature)) {
        fits.add(family);
      }
    }
    return new Detection(fits, fits.isEmpty() ? describe(signature) : null);
  }

  /**
   * The folder families whose every component is present in {@code signatures} (keyed by path
   * relative to the folder, with {@code /} separators) and fits.
   */
  public static Detection detectFolder(Map<String, Signature> signatures) {
    List<ModelFamily> fits = new ArrayList<>();
    for (ModelFamily family : values()) {
      if (family.isFolder() && family.folderMismatches(signatures).isEmpty()) {
        fits.add(family);
      }
    }
    String lookalike = null;
    if (fits.isEmpty()) {
      lookalike =
          signatures.isEmpty()
              ? "a folder without ONNX files"
              : "a folder of "
                  + signatures.entrySet().stream()
                      .map(e -> e.getKey() + " (" + describe(e.getValue()) + ")")
                      .collect(Collectors.joining("; "));
    }
    return new Detection(fits, lookalike);
  }

  /**
   * Why a single file with {@code signature} does not fit this family, one line each; empty when
   * it fits. For a folder family, the file is compared with its first component.
   */
  public List<String> mismatches(Signature signature) {
    return components.get(0).mismatches(signature);
  }

  /** Why a folder with these component signatures is not this family; empty when it is. */
  public List<String> folderMismatches(Map<String, Signature> signatures) {
    List<String> found = new ArrayList<>();
    for (Component component : components) {
      Signature signature = signatures.get(component.path());
      if (signature == null) {
        found.add("missing " + component.path());
        continue;
      }
      for (String mismatch : component.mismatches(signature)) {
        found.add(component.path() + ": " + mismatch);
      }
    }
    return found;
  }

  /** One way to describe a model in words: "an image model with inputs ...; outputs ...". */
  public static String describe(Signature signature) {
    return kindOf(signature) + " with " + signature;
  }

  /**
   * A rough kind from shapes alone: image models take [N,C,H,W] with 1..4 channels, token models
   * take integer [N,T] ids, audio models take float [N,T] or [N,1,T] samples.
   */
  private static String kindOf(Signature signature) {
    boolean image = false;
    boolean tokens = false;
    boolean audio = false;
    for (TensorType input : signature.inputs().values()) {
      List<Long> shape = input.shape();
      boolean integer = input.type() == INT64 || input.type() == INT32;
      if (shape.size() == 4 && shape.get(1) >= 1 && shape.get(1) <= 4) {
        image = true;
      } else if (integer && shape.size() == 2) {
        tokens = true;
      } else if (!integer && (shape.size() == 2 || shape.size() == 3) && last(shape) == -1) {
        audio = true;
      }
    }
    if (image) {
      return "an image model";
    }
    if (tokens) {
      return "a text or phoneme model";
    }
    return audio ? "an audio model" : "a model";
  }

  private static long last(List<Long> shape) {
    return shape.get(shape.size() - 1);
  }

  private static TensorType type(ElementType type, long... shape) {
    return TensorType.of(type, shape);
  }

  private static ModelContract kokoro(String idsName) {
    return ModelContract.builder("kokoro")
        .input(idsName, INT64, 1, -1)
        .input("style", FLOAT32, 1, 256)
        // The speed's dtype differs between exports; the engine reads it from the model.
        .input("speed", type(FLOAT32, 1), type(INT32, 1))
        .output("waveform", type(FLOAT32, -1), type(FLOAT32, 1, -1))
        .build();
  }

  /** How a component's tensors are matched to the model's. */
  public enum Naming {
    /** Inputs and outputs by name. */
    BY_NAME,
    /** Inputs by name; outputs by position, since exports name them differently. */
    OUTPUTS_BY_POSITION,
    /** Inputs and outputs by position: the contract's names are only the usual ones. */
    BY_POSITION
  }

  /**
   * One ONNX file of a family and the contract variants it may fit.
   *
   * <p>Immutable; thread-safe.
   *
   * @param path the file inside a folder model ({@code unet/model.onnx}); null for a single-file
   *     family
   */
  public record Component(String path, Naming naming, List<ModelContract> variants) {
    public Component {
      Objects.requireNonNull(naming, "naming");
      variants = List.copyOf(variants);
      if (variants.isEmpty()) {
        throw new IllegalArgumentException("a component needs at least one contract");
      }
    }

    static Component single(Naming naming, ModelContract contract) {
      return new Component(null, naming, List.of(contract));
    }

    /** Whether a file with {@code signature} fits one of the variants. */
    public boolean fits(Signature signature) {
      return contractFor(signature).isPresent();
    }

    /**
     * The contract an engine should lease a session of this file under: the first variant that
     * fits, with its tensor names replaced by the model's own where matching is positional.
     */
    public Optional<ModelContract> contractFor(Signature signature) {
      for (ModelContract variant : variants) {
        ModelContract bound = bind(variant, signature);
        if (bound != null && bound.mismatches(signature).isEmpty()) {
          return Optional.of(bound);
        }
      }
      return Optional.empty();
    }

    /** Why the file does not fit, from the variant it comes closest to; empty when it fits. */
    public List<String> mismatches(Signature signature) {
      List<List<String>> all = new ArrayList<>();
      for (ModelContract variant : variants) {
        ModelContract bound = bind(variant, signature);
        List<String> found =
            bound == null ? countMismatch(variant, signature) : bound.mismatches(signature);
        if (found.isEmpty()) {
          return List.of();
        }
        all.add(found);
      }
      return all.stream().min(Comparator.comparingInt(List::size)).orElseThrow();
    }

    /** {@code variant} renamed to the model's tensor names where matching is positional. */
    private ModelContract bind(ModelContract variant, Signature signature) {
      boolean positionalInputs = naming == Naming.BY_POSITION;
      boolean positionalOutputs = naming != Naming.BY_NAME;
      List<ModelContract.Tensor> inputs = variant.inputs();
      List<ModelContract.Tensor> outputs = variant.outputs();
      if (positionalInputs) {
        if (inputs.size() != signature.inputs().size()) {
          return null;
        }
        inputs = rename(inputs, List.copyOf(signature.inputs().keySet()));
      }
      if (positionalOutputs) {
        if (outputs.size() != signature.outputs().size()) {
          return null;
        }
        outputs = rename(outputs, List.copyOf(signature.outputs().keySet()));
      }
      return new ModelContract(variant.family(), inputs, outputs);
    }

    private static List<ModelContract.Tensor> rename(
        List<ModelContract.Tensor> tensors, List<String> names) {
      List<ModelContract.Tensor> renamed = new ArrayList<>();
      for (int i = 0; i < tensors.size(); i++) {
        ModelContract.Tensor tensor = tensors.get(i);
        renamed.add(new ModelContract.Tensor(names.get(i), tensor.accepted(), tensor.optional()));
      }
      return renamed;
    }

    private List<String> countMismatch(ModelContract variant, Signature signature) {
      List<String> found = new ArrayList<>();
      if (naming == Naming.BY_POSITION && variant.inputs().size() != signature.inputs().size()) {
        found.add(
            String.format(
                Locale.ROOT,
                "expected %d input(s), model has %d",
                variant.inputs().size(),
                signature.inputs().size()));
      }
      if (variant.outputs().size() != signature.outputs().size()) {
        found.add(
            String.format(
                Locale.ROOT,
                "expected %d output(s), model has %d",
                variant.outputs().size(),
                signature.outputs().size()));
      }
      return found;
    }
  }

  /**
   * The families a model fits, or what it looks like when it fits none.
   *
   * <p>Immutable; thread-safe.
   *
   * @param families every family that fits, in declaration order; empty when none does
   * @param lookalike a description of the model when nothing fits, else null
   */
  public record Detection(List<ModelFamily> families, String lookalike) {
    public Detection {
      families = List.copyOf(families);
    }

    public boolean found() {
      return !families.isEmpty();
    }

    /**
     * A sentence for the user: which family was found, or "looks like an image model with inputs
     * ...; no supported family has that signature".
     */
    public String message() {
      if (found()) {
        return "fits "
            + families.stream().map(ModelFamily::id).collect(Collectors.joining(" and "));
      }
      return "looks like " + lookalike + "; no supported family has that signature";
    }
  }
}
