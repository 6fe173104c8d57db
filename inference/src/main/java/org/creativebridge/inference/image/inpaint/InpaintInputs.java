package org.creativebridge.inference.image.inpaint;

import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.image.RgbaImage;

/** Checks every inpaint engine makes of its inputs, so all of them refuse alike. Stateless. */
final class InpaintInputs {
  private InpaintInputs() {}

  /** The daemon checks this at submission; engines check again for callers that skip it. */
  static void requireSameSize(RgbaImage image, RgbaImage mask) throws EngineException {
    if (image.sameSize(mask)) {
      return;
    }
    throw new EngineException(
        EngineException.Kind.INPUT_SIZE_MISMATCH,
        "the mask is "
            + mask.width()
            + "x"
            + mask.height()
            + " but the image is "
            + image.width()
            + "x"
            + image.height()
            + "; they must be the same size",
        Map.of(
            "imageWidth", image.width(),
            "imageHeight", image.height(),
            "maskWidth", mask.width(),
            "maskHeight", mask.height()));
  }
}
