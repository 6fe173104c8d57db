package org.creativebridge.inference.image.texture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.models.ModelFamily;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An imported texture-model folder is recognised by its layout and its graphs' signatures. */
class DepthFamilyDetectionTest {
  @TempDir Path dir;

  private static Map<String, ModelContract.Signature> signatures(OnnxRuntime runtime, Path folder) throws Exception {
    Map<String, ModelContract.Signature> found = new LinkedHashMap<>();
    try (var files = Files.walk(folder)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".onnx")).sorted().toList()) {
        found.put(folder.relativize(file).toString().replace('\\', '/'), runtime.describe(ModelFile.open(file)));
      }
    }
    return found;
  }

  @Test
  void fusedSplitAndSd2Folders_areTheirFamilies_andAPlainUnetIsNone() throws Exception {
    ControlNetTestModels.generate(dir);
    try (OnnxRuntime runtime = ControlNetTestModels.cpuRuntime()) {
      assertEquals(
          List.of(ModelFamily.SD15_CONTROLNET_DEPTH),
          ModelFamily.detectFolder(signatures(runtime, dir.resolve("cn-fused"))).families());
      assertEquals(
          List.of(ModelFamily.SD15_CONTROLNET_DEPTH_SPLIT),
          ModelFamily.detectFolder(signatures(runtime, dir.resolve("cn-split"))).families());
      assertEquals(
          List.of(ModelFamily.SD2_DEPTH),
          ModelFamily.detectFolder(signatures(runtime, dir.resolve("sd2-depth"))).families());
      assertTrue(ModelFamily.detectFolder(signatures(runtime, dir.resolve("cn-plain"))).families().isEmpty());
    }
  }
}
