package org.creativebridge.inference.audio.tts;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;

/**
 * The built-in {@code audio.tts} engine: espeak-ng's formant synthesiser through libespeak-ng
 * (Debian packages {@code libespeak-ng1} and {@code espeak-ng-data}). Needs no model.
 *
 * <p>Params: {@code text}; {@code voice}, any installed espeak-ng voice by language code, file
 * or name, with an optional {@code +variant} (default {@code en-us}); {@code rate} in words per
 * minute, 80..450 (default 175); {@code pitch}, 0..100 (default 50); {@code seed} is accepted and
 * recorded but unused, since espeak-ng is deterministic. Output {@code audio}: mono 16-bit samples
 * at espeak-ng's rate (22050 Hz).
 *
 * <p>The text is spoken sentence by sentence: one {@code progress} report per sentence, and a
 * cancelled job stops at the next sentence (or sooner: synthesis polls cancellation between
 * 200 ms chunks).
 *
 * <p>Thread-safe: jobs may run at once, though libespeak-ng serialises them sentence by sentence
 * behind its one lock (see {@link EspeakLibrary}). Where libespeak-ng is missing, {@link #run}
 * throws {@code MODEL_UNAVAILABLE} naming the packages, and {@link #unavailableReason()} says so
 * up front.
 */
public final class EspeakTtsEngine implements Engine {
  public static final String ID = "builtin.espeak";
  public static final String TASK = "audio.tts";

  public static final String DEFAULT_VOICE = "en-us";
  public static final int DEFAULT_RATE = 175;
  public static final int DEFAULT_PITCH = 50;

  /** espeak-ng's own limits ({@code espeakRATE_MINIMUM}, {@code espeakRATE_MAXIMUM}). */
  private static final double[] RATE_RANGE = {80, 450};

  private static final double[] PITCH_RANGE = {0, 100};

  private static final EngineInfo INFO =
      new EngineInfo(
          ID,
          TASK,
          EngineInfo.Kind.BUILTIN,
          "espeak-ng formant speech in any installed espeak-ng voice; no download",
          null,
          "cpu",
          "1",
          true);

  @Override
  public EngineInfo info() {
    return INFO;
  }

  /** Why the engine cannot run here (libespeak-ng missing), naming what to install; empty if ready. */
  @Override
  public Optional<String> notReadyReason() {
    return unavailableReason();
  }

  public static Optional<String> unavailableReason() {
    return Optional.ofNullable(EspeakLibrary.unavailableReason());
  }

  /** The installed espeak-ng voices, for listing; empty where libespeak-ng is missing. */
  public static List<EspeakVoice> installedVoices() {
    try {
      return EspeakLibrary.instance().voices();
    } catch (EngineException e) {
      return List.of();
    }
  }

  @Override
  public void checkParams(Params params) throws EngineException {
    if (unavailableReason().isPresent()) {
      return; // run() reports the missing library; there are no voices to check against
    }
    String voice = params.getString("voice", DEFAULT_VOICE).strip();
    String base = voice.contains("+") ? voice.substring(0, voice.indexOf('+')) : voice;
    EspeakLibrary espeak = EspeakLibrary.instance();
    if (voice.isEmpty() || !espeak.isKnownVoice(base)) {
      throw espeak.unknownVoice(voice);
    }
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    Params params = request.params();
    String text = TtsText.from(params);
    String voice = params.getString("voice", DEFAULT_VOICE).strip();
    int rate = (int) Math.round(TtsText.number(params, "rate", DEFAULT_RATE, RATE_RANGE));
    int pitch = (int) Math.round(TtsText.number(params, "pitch", DEFAULT_PITCH, PITCH_RANGE));
    EspeakLibrary espeak = EspeakLibrary.instance();
    String base = voice.contains("+") ? voice.substring(0, voice.indexOf('+')) : voice;
    if (voice.isEmpty() || !espeak.isKnownVoice(base)) {
      throw espeak.unknownVoice(voice);
    }

    context.stage("synthesize");
    List<String> sentences = TtsText.sentences(text, base);
    short[][] parts = new short[sentences.size()][];
    int total = 0;
    for (int i = 0; i < sentences.size(); i++) {
      context.checkCancelled();
      parts[i] =
          espeak.synthesize(
              new EspeakLibrary.Speech(voice, sentences.get(i), rate, pitch), context::isCancelled);
      context.checkCancelled(); // synthesis stops early when cancelled: do not return a partial clip
      total += parts[i].length;
      context.progress((i + 1.0) / sentences.size());
    }

    context.stage("encode");
    float[] samples = new float[total];
    int offset = 0;
    for (short[] part : parts) {
      for (short sample : part) {
        samples[offset++] = sample / 32768f;
      }
    }
    AudioClip clip = new AudioClip(espeak.sampleRate(), 1, AudioClip.SampleFormat.PCM16, samples);
    return new EngineResult(Map.of("audio", clip));
  }
}
