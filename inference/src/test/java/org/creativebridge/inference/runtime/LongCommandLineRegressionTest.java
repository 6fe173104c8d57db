package org.creativebridge.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.creativebridge.inference.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime 1.29's native start-up kills the JVM with SIGSEGV when the process command line is
 * longer than about 4 KB (a long {@code -cp}); the runtime refuses to start instead, with a message
 * that says what to do.
 */
class LongCommandLineRegressionTest {
  @TempDir Path dir;

  @Test
  void longCommandLine_isRefusedBeforeTheNativeLibraryLoads() throws IOException {
    Path cmdline = Files.write(dir.resolve("cmdline"), new byte[OnnxRuntime.MAX_COMMAND_LINE_BYTES + 1]);
    EngineException e = assertThrows(EngineException.class, () -> OnnxRuntime.refuseLongCommandLine(cmdline));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("@argfile"), e.getMessage());
  }

  @Test
  void shortCommandLine_orNoProcFileSystem_isFine() throws IOException {
    Path cmdline = Files.write(dir.resolve("cmdline"), new byte[200]);
    assertDoesNotThrow(() -> OnnxRuntime.refuseLongCommandLine(cmdline));
    assertDoesNotThrow(() -> OnnxRuntime.refuseLongCommandLine(dir.resolve("absent")));
  }
}
