package org.creativebridge.inference.image.texture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.GeneratedModels;
import org.creativebridge.inference.diffusion.ClipTokenizer;
import org.creativebridge.inference.diffusion.SdTestModels;
import org.creativebridge.inference.image.RgbaImage;
import org.creativebridge.inference.image.SampleDepth;
import org.creativebridge.inference.image.inpaint.Sd15InpaintSetup;
import org.creativebridge.inference.runtime.OnnxRuntime;

/**
 * The tiny depth-guided look-alikes of src/test/python/make_controlnet_models.py (see the script
 * for what each computes), built with Debian's python3-onnx; tests skip loudly without it.
 */
final class ControlNetTestModels {

  private static final String SCRIPT = "make_controlnet_models.py";

  static final String FUSED = "cn-fused";
  static final String SPLIT = "cn-split";
  static final String BLUR = "cn-blur";
  static final String PLAIN = "cn-plain";
  static final String SD2 = "sd2-depth";
  static final String SD2_4CH = "sd2-4ch";

  private static ClipTokenizer tokenizer;

  private ControlNetTestModels() {}

  /** CLIP's tokenizer from the shared fixtures, loaded once. */
  static synchronized ClipTokenizer tokenizer() throws IOException {
    if (tokenizer == null) {
      tokenizer = ClipTokenizer.load(SdTestModels.clipMerges());
    }
    return tokenizer;
  }

  static Path generate(Path dir) throws IOException, InterruptedException {
    return GeneratedModels.generate(SCRIPT, dir);
  }

  static OnnxRuntime cpuRuntime() throws EngineException {
    return OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 1L << 30));
  }

  /** A setup for one generated folder; its "sha256" is the folder name's, so sessions never mix. */
  static Sd15InpaintSetup setup(OnnxRuntime runtime, Path dir, String folder) {
    return Sd15InpaintSetup.builder(folder, dir.resolve(folder), sha256(folder), runtime.sessions())
        .tokenizerFallback(SdTestModels.clipMerges())
        .build();
  }

  /** A grey 16-bit depth image: a bump in the middle over a slope, so every term varies. */
  static RgbaImage depth(int width, int height) {
    RgbaImage image = new RgbaImage(width, height, SampleDepth.U16);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double dx = (x - width / 2.0) / width;
        double dy = (y - height / 2.0) / height;
        double v = 0.3 * x / width + 0.6 * Math.exp(-(dx * dx + dy * dy) * 20);
        float q = Math.round(v * 65535) / 65535f;
        for (int c = 0; c < 3; c++) {
          image.set(x, y, c, q);
        }
        image.set(x, y, 3, 1f);
      }
    }
    return image;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
