package org.creativebridge.inference.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextEncoderTest {
  @TempDir static Path dir;
  private static OnnxRuntime runtime;
  private static ClipTokenizer tokenizer;

  @BeforeAll
  static void models() throws Exception {
    SdTestModels.generate(dir);
    runtime = SdTestModels.cpuRuntime();
    tokenizer = ClipTokenizer.load(SdTestModels.clipMerges());
  }

  @AfterAll
  static void close() {
    if (runtime != null) {
      runtime.sessions().close();
    }
  }

  /** The echo model returns each token id as its whole hidden vector. */
  private static float[] idsSeenByModel(float[] hidden, int prompt) {
    float[] ids = new float[ClipTokenizer.CONTEXT_LENGTH];
    for (int token = 0; token < ids.length; token++) {
      int at = prompt * TextEncoder.EMBEDDING_SIZE + token * TextEncoder.HIDDEN_SIZE;
      ids[token] = hidden[at];
      for (int j = 1; j < TextEncoder.HIDDEN_SIZE; j++) {
        assertEquals(hidden[at], hidden[at + j], "token " + token + " feature " + j);
      }
    }
    return ids;
  }

  private static float[] expected(int... head) {
    float[] ids = new float[ClipTokenizer.CONTEXT_LENGTH];
    java.util.Arrays.fill(ids, ClipTokenizer.EOS);
    for (int i = 0; i < head.length; i++) {
      ids[i] = head[i];
    }
    return ids;
  }

  @Test
  void feedsTheTokenIdsOfAPhotoOfACatAsInt32() throws Exception {
    try (TextEncoder encoder =
        TextEncoder.open(runtime.sessions(), SdTestModels.component(dir, SdTestModels.MAIN, "text_encoder"))) {
      assertEquals(ElementType.INT32, encoder.idType());
      float[] hidden = encoder.encode(tokenizer.encode("a photo of a cat"), JobContext.detached());
      assertEquals(TextEncoder.EMBEDDING_SIZE, hidden.length);
      assertArrayEquals(expected(49406, 320, 1125, 539, 320, 2368, 49407), idsSeenByModel(hidden, 0));
    }
  }

  @Test
  void feedsInt64IdsToAnExportThatDeclaresThem() throws Exception {
    try (TextEncoder encoder =
        TextEncoder.open(
            runtime.sessions(), SdTestModels.component(dir, SdTestModels.INT64_IDS, "text_encoder"))) {
      assertEquals(ElementType.INT64, encoder.idType());
      float[] hidden = encoder.encode(tokenizer.encode("a photo of a cat"), JobContext.detached());
      assertArrayEquals(expected(49406, 320, 1125, 539, 320, 2368, 49407), idsSeenByModel(hidden, 0));
    }
  }

  @Test
  void concatenatesPromptsInTheOrderGiven() throws Exception {
    try (TextEncoder encoder =
        TextEncoder.open(runtime.sessions(), SdTestModels.component(dir, SdTestModels.MAIN, "text_encoder"))) {
      float[] both =
          encoder.encode(
              List.of(tokenizer.encode(""), tokenizer.encode("a photo of a cat")), JobContext.detached());
      assertEquals(2 * TextEncoder.EMBEDDING_SIZE, both.length);
      assertArrayEquals(expected(49406, 49407), idsSeenByModel(both, 0));
      assertArrayEquals(expected(49406, 320, 1125, 539, 320, 2368, 49407), idsSeenByModel(both, 1));
    }
  }

  @Test
  void refusesAModelThatIsNotATextEncoder() throws Exception {
    EngineException refused =
        assertThrows(
            EngineException.class,
            () -> TextEncoder.open(runtime.sessions(), SdTestModels.component(dir, SdTestModels.MAIN, "unet")));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, refused.kind());
    org.junit.jupiter.api.Assertions.assertTrue(
        refused.getMessage().contains("missing input 'input_ids'"), refused.getMessage());
  }
}
