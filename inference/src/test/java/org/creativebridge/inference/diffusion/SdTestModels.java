package org.creativebridge.inference.diffusion;

import java.io.IOException;
import java.nio.file.Path;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.GeneratedModels;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;

/**
 * The tiny SD 1.5 look-alikes of src/test/python/make_sd_models.py (diffusers' folder layout,
 * arithmetic models; see the script for what each computes), built with Debian's python3-onnx.
 * Tests skip loudly where that package is missing instead of failing on a machine that cannot
 * build models. Public so the inpaint engine's tests use the same models.
 */
public final class SdTestModels {

  private static final String SCRIPT = "make_sd_models.py";

  /** Folder names the script writes. */
  public static final String MAIN = "sd15";

  public static final String FLOAT_TIMESTEP = "sd15-float-timestep";
  public static final String SCALAR_TIMESTEP = "sd15-scalar-timestep";
  public static final String INT64_IDS = "sd15-int64-ids";
  public static final String TEXT_TO_IMAGE_UNET = "sd15-4ch";

  /** The arithmetic, as the script states it. */
  public static final double UNET_LATENTS = 0.1;

  public static final double UNET_MASK = 0.05;
  public static final double UNET_MASKED = 0.02;
  public static final double UNET_TIMESTEP = 0.0001;
  public static final double UNET_TEXT = 0.00001;
  public static final double DECODER_GAIN = 0.02;

  private SdTestModels() {}

  /** Writes every folder into {@code dir} and returns it. */
  public static Path generate(Path dir) throws IOException, InterruptedException {
    return GeneratedModels.generate(SCRIPT, dir);
  }

  /** A CPU runtime with one intra-op thread, for results independent of the machine. */
  public static OnnxRuntime cpuRuntime() throws EngineException {
    return OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 1L << 30));
  }

  /** One component of a generated folder, e.g. {@code unet}, opened (and hashed). */
  public static ModelFile component(Path dir, String folder, String component) throws EngineException {
    return ModelFile.open(dir.resolve(folder).resolve(component).resolve("model.onnx"));
  }

  /** CLIP's real merges, from the shared fixtures. */
  public static Path clipMerges() {
    return ClipFixtures.mergesGz();
  }

}
