package org.creativebridge.bridge.engines;

import java.util.List;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.audio.tts.EspeakTtsEngine;
import org.creativebridge.inference.audio.voice.PitchShiftEngine;
import org.creativebridge.inference.image.inpaint.OutpaintEngine;
import org.creativebridge.inference.image.texture.DepthTextureEngine;
import org.creativebridge.inference.image.inpaint.PatchMatchInpaintEngine;

/** The engines that need no model download: every task works out of the box. */
public final class BuiltinEngines {
  private BuiltinEngines() {}

  public static List<Engine> list() {
    return List.of(
        new PatchMatchInpaintEngine(),
        new OutpaintEngine(),
        new DepthTextureEngine(),
        new EspeakTtsEngine(),
        new PitchShiftEngine());
  }

  public static EngineRegistry registry() {
    return new EngineRegistry(list());
  }
}
