package org.creativebridge.inference.diffusion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tokenizer throughput in tokens per second, and scheduler step cost on SD 1.5 512x512 latents
 * (4 x 64 x 64). Not part of the normal suite:
 * {@code ./mvnw -o -q -Pbench -pl inference verify -Dtest=ClipTokenizerBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class ClipTokenizerBench {
  private static final String[] WORDS = {"a", "photo", "of", "cat", "weathered", "bronze", "green", "patina",
      "portrait", "cinematic", "lighting", "highly", "detailed", "8k", "oil", "painting", "by", "artist",
      "sunset", "over", "mountains", "reflections", "in", "water", "trending", "on", "artstation",
      "caf\u00e9", "na\u00efve", "\u732b", "don't", "it's", "(masterpiece:1.2)", "best-quality,"};

  @Test
  void printThroughput() throws Exception {
    List<String> prompts = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 8 + random.nextInt(40);
      for (int w = 0; w < n; w++) {
        sb.append(WORDS[random.nextInt(WORDS.length)]);
        // Unique words too, so the BPE memo does not hide the merge loop.
        if (random.nextInt(4) == 0) {
          sb.append(Integer.toString(random.nextInt(1 << 20), 36));
        }
        sb.append(' ');
      }
      prompts.add(sb.toString());
    }
    long loadStart = System.nanoTime();
    ClipTokenizer tokenizer = ClipTokenizer.load(ClipFixtures.mergesGz());
    System.out.printf(Locale.ROOT, "%nClipTokenizer load (gz, 48894 merges): %.1f ms%n",
        (System.nanoTime() - loadStart) / 1e6);

    long tokens = 0;
    for (String p : prompts) {
      tokens += tokenizer.encodeUnpadded(p).length - 2;
    }
    System.out.printf(Locale.ROOT, "%d prompts, %d tokens%n", prompts.size(), tokens);
    // First pass on a fresh instance: every word goes through BPE.
    ClipTokenizer cold = ClipTokenizer.load(ClipFixtures.mergesGz());
    long t0 = System.nanoTime();
    for (String p : prompts) {
      cold.encodeUnpadded(p);
    }
    report("cold (empty BPE memo)", tokens, prompts.size(), System.nanoTime() - t0);
    long best = Long.MAX_VALUE;
    for (int run = 0; run < 5; run++) {
      long start = System.nanoTime();
      for (String p : prompts) {
        tokenizer.encode(p);
      }
      best = Math.min(best, System.nanoTime() - start);
    }
    report("warm (memo filled), best of 5", tokens, prompts.size(), best);

    int n = 4 * 64 * 64;
    for (String name : Schedulers.NAMES) {
      Scheduler s = Schedulers.create(name, 4);
      LatentNoise noise = new LatentNoise(3);
      float[] x = noise.next(n);
      float[] eps = noise.next(n);
      long bestStep = Long.MAX_VALUE;
      for (int run = 0; run < 200; run++) {
        long start = System.nanoTime();
        float[] in = s.scaleModelInput(x, run % s.steps());
        s.step(new StepInput(eps, run % s.steps(), in, noise));
        bestStep = Math.min(bestStep, System.nanoTime() - start);
      }
      System.out.printf(Locale.ROOT, "%-9s scaleModelInput + step on 4x64x64: %.3f ms%n", name, bestStep / 1e6);
    }
  }

  private static void report(String what, long tokens, int prompts, long nanos) {
    double seconds = nanos / 1e9;
    System.out.printf(Locale.ROOT, "%-32s %10.0f tokens/s %9.0f prompts/s%n", what, tokens / seconds, prompts / seconds);
  }
}
