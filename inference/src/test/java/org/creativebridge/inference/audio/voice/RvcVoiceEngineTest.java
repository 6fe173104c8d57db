package org.creativebridge.inference.audio.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.OnnxRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RVC pipeline against tiny models with RVC's exact tensor names, types and shapes (see
 * make_voice_models.py): each generator output frame is a block of K samples carrying its inputs,
 * so the pre- and post-processing can be asserted exactly.
 */
class RvcVoiceEngineTest {
  private static final int RATE = 16000;
  @TempDir static Path models;
  private static OnnxRuntime runtime;

  @BeforeAll
  static void start() throws Exception {
    VoiceModels.generate(models, "RvcVoiceEngineTest");
    runtime = OnnxRuntime.start(new OnnxRuntime.Config("cpu", 1, 64L << 20));
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void quantisesPitchToRvcCoarseBins() {
    assertEquals(1, CoarsePitch.bin(0));
    assertEquals(1, CoarsePitch.bin(-5));
    assertEquals(1, CoarsePitch.bin(30));
    assertEquals(1, CoarsePitch.bin(50));
    assertEquals(255, CoarsePitch.bin(1100));
    assertEquals(255, CoarsePitch.bin(2000));
    // Worked by hand: mel(50) = 79.98, mel(1100) = 1064.45; mel(440) = 549.64,
    // (549.64 - 79.98) * 254 / 984.47 + 1 = 122.18 -> 122.
    assertEquals(122, CoarsePitch.bin(440));
    for (double hz = 51; hz < 1100; hz *= 1.01) {
      double mel = 1127 * Math.log(1 + hz / 700);
      double melMin = 1127 * Math.log(1 + 50 / 700.0);
      double melMax = 1127 * Math.log(1 + 1100 / 700.0);
      long expected = Math.max(1, Math.min(255, Math.round((mel - melMin) * 254 / (melMax - melMin) + 1)));
      assertEquals(expected, CoarsePitch.bin(hz), 1, "bin for " + hz);
    }
    float[] shifted = CoarsePitch.shifted(new float[] {220, 0}, 12);
    assertEquals(440f, shifted[0], 1e-3);
    assertEquals(0f, shifted[1]);
  }

  @Test
  void feedsV1ModelsAndReadsTheSidecarRate() throws Exception {
    RvcVoiceEngine engine = engine("rvc-v1", "contentvec-256", null, new RvcVoiceEngine.Options("cpu", 100, 0.5));
    assertEquals(40000, engine.configuredSampleRate());
    EngineInfo info = engine.info();
    assertEquals(EngineInfo.Kind.MODEL, info.kind());
    assertEquals("audio.voice_convert", info.task());
    assertEquals("voice.rvc-v1", info.id());
    float[] input = speechLike(3.0);
    AudioClip out = convert(engine, input, Map.of("semitones", 5, "speaker", 3, "seed", 11));
    assertEquals(40000, out.sampleRate());
    assertEquals(120000, out.frames()); // 3 s at 40 kHz
    assertFrames(out.samples(), input, new Expected(256, 400, 5, 3));
  }

  @Test
  void feedsV2ModelsAtTheDefault48kRate() throws Exception {
    RvcVoiceEngine engine = engine("rvc-v2", "contentvec-768", null, new RvcVoiceEngine.Options("cpu", 100, 0.5));
    assertEquals(0, engine.configuredSampleRate());
    float[] input = speechLike(2.0);
    AudioClip out = convert(engine, input, Map.of("semitones", -7, "speaker", 0, "seed", 2));
    assertEquals(48000, out.sampleRate());
    assertEquals(96000, out.frames());
    assertFrames(out.samples(), input, new Expected(768, 480, -7, 0));
  }

  @Test
  void takesTheRateParamWhenThereIsNoSidecar() throws Exception {
    RvcVoiceEngine engine = engine("rvc-v2", "contentvec-768", null, new RvcVoiceEngine.Options("cpu", 100, 0.5));
    AudioClip out = convert(engine, speechLike(1.0), Map.of("sample_rate", 32000));
    assertEquals(32000, out.sampleRate());
    assertEquals(32000, out.frames());
  }

  @Test
  void chunkedRunsMatchOneRunWithoutSeams() throws Exception {
    float[] input = VoiceSignals.sine(200, RATE, 3.0, 0.5);
    RvcVoiceEngine whole = engine("rvc-v1", "contentvec-256", null, new RvcVoiceEngine.Options("cpu", 100, 0.5));
    RvcVoiceEngine chunked = engine("rvc-v1", "contentvec-256", null, new RvcVoiceEngine.Options("cpu", 1.0, 0.2));
    Map<String, Object> params = Map.of("semitones", 2, "seed", 5);
    float[] one = convert(whole, input, params).samples();
    TestJobs.Recording job = new TestJobs.Recording();
    float[] many = ((AudioClip) chunked.run(request(input, params), job).outputs().get("audio")).samples();
    assertEquals(one.length, many.length);
    double worst = 0;
    for (int i = 0; i < one.length; i++) {
      worst = Math.max(worst, Math.abs(one[i] - many[i]));
    }
    // 3 s = 300 frames in chunks of 100 overlapping by 20: seams at frames 80..100, 160..180, 240..260.
    int hop = 400;
    double seamJump = 0;
    for (int seamFrame : new int[] {80, 100, 160, 180, 240, 260}) {
      int at = seamFrame * hop;
      seamJump = Math.max(seamJump, Math.abs(many[at] - many[at - 1]));
    }
    double elsewhere = 0;
    for (int i = 1; i < many.length; i++) {
      int frame = i / hop;
      boolean nearSeam = (frame >= 79 && frame <= 100) || (frame >= 159 && frame <= 180) || (frame >= 239 && frame <= 260);
      if (!nearSeam) {
        elsewhere = Math.max(elsewhere, Math.abs(many[i] - many[i - 1]));
      }
    }
    System.out.printf("chunked vs whole: largest difference %.2e; largest jump at a seam %.4f, elsewhere %.4f%n", worst, seamJump, elsewhere);
    assertTrue(worst < 1e-6, "chunked output differs from one run by " + worst);
    assertTrue(seamJump < elsewhere, "seam jump " + seamJump + " vs " + elsewhere);
    assertTrue(job.progress.size() >= 4, "progress per chunk: " + job.progress);
  }

  @Test
  void crossfadesUnrelatedChunksAtEqualPower() {
    // Two unrelated noises: the blend's power stays flat across the overlap (no dip mid-seam).
    java.util.Random random = new java.util.Random(3);
    int overlap = 40000;
    float[] old = new float[overlap];
    float[] next = new float[overlap];
    for (int i = 0; i < overlap; i++) {
      old[i] = (float) random.nextGaussian();
      next[i] = (float) random.nextGaussian();
    }
    RvcVoiceEngine.crossfade(old, next, 0, overlap);
    double middle = 0;
    for (int i = overlap / 2 - 2000; i < overlap / 2 + 2000; i++) {
      middle += old[i] * old[i];
    }
    assertEquals(1.0, middle / 4000, 0.08);
  }

  @Test
  void usesRmvpeWhenInstalled() throws Exception {
    RvcVoiceEngine engine = engine("rvc-v1", "contentvec-256", "rmvpe", new RvcVoiceEngine.Options("cpu", 100, 0.5));
    assertTrue(engine.info().description().contains("RMVPE"), engine.info().description());
    float[] input = new float[RATE * 2];
    float[] tone = VoiceSignals.sine(180, RATE, 1.0, 0.5);
    System.arraycopy(tone, 0, input, 0, tone.length); // 1 s of tone, then 1 s of silence
    float[] out = convert(engine, input, Map.of("semitones", 12)).samples();
    // The tiny RMVPE puts its salience bump on bin 100: 1997.38 + 2000 cents above 10 Hz.
    double bumpHz = 10 * Math.pow(2, (1997.3794084376191 + 20 * 100) / 1200);
    assertEquals(bumpHz * 2 * 0.001, out[30 * 400], 1e-6, "voiced frame, one octave up");
    assertEquals(CoarsePitch.bin(bumpHz * 2) * 0.001, out[30 * 400 + 1], 1e-6);
    assertEquals(0.0, out[150 * 400], 1e-9, "silent frame is unvoiced");
    assertEquals(0.001, out[150 * 400 + 1], 1e-9, "unvoiced coarse bin is 1");
  }

  @Test
  void decodesRmvpeSalienceByLocalAverage() {
    float[] salience = new float[360];
    salience[200] = 1;
    salience[201] = 1;
    double cents = 1997.3794084376191 + 20 * 200.5;
    assertEquals(10 * Math.pow(2, cents / 1200), RmvpePitch.decode(salience), 1e-9);
    float[] quiet = new float[360];
    quiet[50] = 0.03f;
    assertEquals(0, RmvpePitch.decode(quiet));
  }

  @Test
  void seedsTheNoisePerFrame() {
    float[] whole = RvcVoiceEngine.noise(9, 0, 10);
    float[] tail = RvcVoiceEngine.noise(9, 4, 6);
    for (int channel = 0; channel < RvcVoiceEngine.NOISE_CHANNELS; channel++) {
      for (int t = 0; t < 6; t++) {
        assertEquals(whole[channel * 10 + t + 4], tail[channel * 6 + t]);
      }
    }
    assertNotEquals(whole[0], RvcVoiceEngine.noise(10, 0, 10)[0]);
  }

  @Test
  void refusesAGeneratorThatMissesTheContract() throws Exception {
    RvcVoiceEngine engine = engine("rvc-misfit", "contentvec-768", null, RvcVoiceEngine.Options.defaults("cpu"));
    EngineException refused =
        assertThrows(EngineException.class, () -> convert(engine, speechLike(0.5), Map.of()));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, refused.kind());
    assertEquals(
        "model rvc-misfit.onnx does not fit the rvc contract: input 'pitch': expected int64 [1,-1], model has float32 [1,-1]; missing input 'rnd'",
        refused.getMessage());
  }

  @Test
  void refusesAnEncoderOfTheOtherVersion() throws Exception {
    RvcVoiceEngine engine = engine("rvc-v2", "contentvec-256", null, RvcVoiceEngine.Options.defaults("cpu"));
    EngineException refused =
        assertThrows(EngineException.class, () -> convert(engine, speechLike(0.5), Map.of()));
    assertEquals(EngineException.Kind.MODEL_UNAVAILABLE, refused.kind());
    assertTrue(refused.getMessage().startsWith("content encoder contentvec-256.onnx gives 256-dim features but RVC voice rvc-v2.onnx takes 768"), refused.getMessage());
  }

  @Test
  void stopsBetweenChunksWhenCancelled() throws Exception {
    RvcVoiceEngine engine = engine("rvc-v1", "contentvec-256", null, new RvcVoiceEngine.Options("cpu", 1.0, 0.2));
    TestJobs.Recording job = new TestJobs.Recording(1);
    assertThrows(CancelledException.class, () -> engine.run(request(speechLike(5.0), Map.of()), job));
    assertEquals(1, job.progress.size(), "ran on after the cancel: " + job.progress);
  }

  @Test
  void refusesEmptyAudioAndBadParams() throws Exception {
    RvcVoiceEngine engine = engine("rvc-v1", "contentvec-256", null, RvcVoiceEngine.Options.defaults("cpu"));
    EngineException empty = assertThrows(EngineException.class, () -> convert(engine, new float[0], Map.of()));
    assertEquals(EngineException.Kind.AUDIO_UNREADABLE, empty.kind());
    EngineException key = assertThrows(EngineException.class, () -> convert(engine, speechLike(0.2), Map.of("semitones", 30)));
    assertEquals(EngineException.Kind.INVALID_INPUT, key.kind());
    EngineException speaker = assertThrows(EngineException.class, () -> convert(engine, speechLike(0.2), Map.of("speaker", -1)));
    assertEquals(EngineException.Kind.INVALID_INPUT, speaker.kind());
  }

  /** What a job fed the tiny generator. */
  private record Expected(int dims, int hop, double semitones, long speaker) {}

  /**
   * Checks every output frame's block: pitchf (the tracked f0, shifted), the coarse bin, the
   * content features (frame t uses 20 ms encoder frame t / 2: the repeat to 100 Hz), the speaker,
   * the frame count.
   */
  private void assertFrames(float[] out, float[] input, Expected expected) {
    float[] f0 = new PitchTracker().track16k(input);
    int frames = out.length / expected.hop();
    int voiced = 0;
    for (int t = 0; t < frames; t++) {
      int at = t * expected.hop();
      double pitchf = f0[t] > 0 ? f0[t] * Math.pow(2, expected.semitones() / 12) : 0;
      voiced += pitchf > 0 ? 1 : 0;
      assertEquals(pitchf * 0.001, out[at], 1e-6, "pitchf of frame " + t);
      assertEquals(CoarsePitch.bin(pitchf) * 0.001, out[at + 1], 1e-6, "coarse pitch of frame " + t);
      double mean = 0;
      int encoderFrame = t / 2;
      for (int i = 0; i < 320; i++) {
        mean += input[encoderFrame * 320 + i];
      }
      mean /= 320;
      assertEquals(mean, out[at + 2], 1e-5, "feature 0 of frame " + t);
      assertEquals((mean + 0.001 * (expected.dims() - 1)) * 0.5, out[at + 3], 1e-5, "last feature of frame " + t);
      assertEquals(expected.speaker() * 0.1, out[at + 4], 1e-6, "speaker in frame " + t);
      assertEquals(0.5, out[at + 7], 0, "phone_lengths matched the frames in frame " + t);
      for (int i = 8; i < expected.hop(); i++) {
        assertEquals(0f, out[at + i]);
      }
    }
    assertTrue(voiced > frames / 2, "only " + voiced + " of " + frames + " frames voiced");
  }

  /** A voice-like test take: a sawtooth gliding 140..180 Hz with a slow level change, so 20 ms means differ. */
  private static float[] speechLike(double seconds) {
    float[] saw = VoiceSignals.sawtooth(t -> 160 + 20 * Math.sin(2 * Math.PI * 0.7 * t), RATE, seconds, 0.4);
    for (int i = 0; i < saw.length; i++) {
      saw[i] += (float) (0.1 * Math.sin(2 * Math.PI * 1.3 * i / RATE));
    }
    return saw;
  }

  private RvcVoiceEngine engine(String voice, String encoder, String rmvpe, RvcVoiceEngine.Options options) throws Exception {
    RvcVoiceEngine.Model pitchModel =
        rmvpe == null ? null : new RvcVoiceEngine.Model("pitch." + rmvpe, ModelFile.open(models.resolve(rmvpe + ".onnx")));
    return new RvcVoiceEngine(
        new RvcVoiceEngine.Setup(
            new RvcVoiceEngine.Model("voice." + voice, ModelFile.open(models.resolve(voice + ".onnx"))),
            new RvcVoiceEngine.Model("encoder." + encoder, ModelFile.open(models.resolve(encoder + ".onnx"))),
            pitchModel,
            runtime.sessions()),
        options);
  }

  private static AudioClip convert(RvcVoiceEngine engine, float[] input, Map<String, Object> params) throws Exception {
    return (AudioClip) engine.run(request(input, params), JobContext.detached()).outputs().get("audio");
  }

  private static EngineRequest request(float[] input, Map<String, Object> params) {
    return new EngineRequest(Map.of("audio", AudioClip.mono(RATE, input)), new Params(new HashMap<>(params)));
  }
}
