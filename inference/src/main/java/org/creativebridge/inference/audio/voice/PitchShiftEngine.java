package org.creativebridge.inference.audio.voice;

import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.Engine;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineInfo;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.audio.AudioClip;
import org.creativebridge.inference.audio.PeakNormalizer;

/**
 * The built-in {@code audio.voice_convert} engine: moves a voice up or down in pitch while its
 * formants stay put, or moves the formants on their own, with no model to download.
 *
 * <p>Input {@code audio} (an {@link AudioClip}, any rate and channel count). Params:
 * <ul>
 *   <li>{@code semitones} -24..24, default 0: the pitch move;
 *   <li>{@code formant_shift} -12..12 semitones, default 0: a separate move of the spectral
 *       envelope (positive sounds smaller/younger, negative larger);
 *   <li>{@code preserve_formants} default true: false lets the formants follow the pitch as plain
 *       resampling would (the chipmunk effect, sometimes wanted), plus any {@code formant_shift};
 *   <li>{@code seed}: accepted for the recipe, unused: the algorithm is deterministic.
 * </ul>
 * Output {@code audio}: same rate, channel count, length and sample format as the input, scaled
 * down to 0 dBFS only if the shift pushed its peak over full scale. See {@link
 * FormantPreservingShifter} for the method.
 *
 * <p>Thread-safety: thread-safe and stateless between jobs; {@link EngineInfo#concurrent()} is
 * true. Shifters are built per job (their tables cost well under a millisecond).
 */
public final class PitchShiftEngine implements Engine {
  public static final String ID = "builtin.pitchshift";
  public static final String TASK = "audio.voice_convert";
  /** Bumped whenever the output for a recipe changes. */
  public static final String VERSION = "1";

  public static final double MAX_SEMITONES = 24;
  public static final double MAX_FORMANT_SEMITONES = 12;

  private static final EngineInfo INFO =
      new EngineInfo(
          ID,
          TASK,
          EngineInfo.Kind.BUILTIN,
          "Pitch shift with formant preservation (phase vocoder with cepstral envelope)",
          null,
          "cpu",
          VERSION,
          true);

  @Override
  public EngineInfo info() {
    return INFO;
  }

  @Override
  public EngineResult run(EngineRequest request, JobContext context)
      throws EngineException, CancelledException {
    AudioClip clip = request.input("audio", AudioClip.class);
    Shift shift = Shift.of(request.params());
    context.stage("shift");
    AudioClip shifted = shift(clip, shift, context);
    return new EngineResult(Map.of("audio", shifted));
  }

  /**
   * What a job asks for, as frequency ratios.
   *
   * @param semitones the pitch move
   * @param formantSemitones the envelope's own move
   * @param preserveFormants whether the envelope stays (plus its own move) or follows the pitch
   */
  public record Shift(double semitones, double formantSemitones, boolean preserveFormants) {
    public Shift {
      if (!(Math.abs(semitones) <= MAX_SEMITONES)) {
        throw new IllegalArgumentException("semitones must be within -24..24: " + semitones);
      }
      if (!(Math.abs(formantSemitones) <= MAX_FORMANT_SEMITONES)) {
        throw new IllegalArgumentException("formant_shift must be within -12..12: " + formantSemitones);
      }
    }

    /** Reads and checks the job's params. */
    public static Shift of(Params params) throws EngineException {
      double semitones = number(params, "semitones");
      double formant = number(params, "formant_shift");
      boolean preserve = params.getBoolean("preserve_formants", true);
      try {
        return new Shift(semitones, formant, preserve);
      } catch (IllegalArgumentException e) {
        throw new EngineException(
            EngineException.Kind.INVALID_INPUT, e.getMessage(), Map.of("semitones", semitones, "formant_shift", formant));
      }
    }

    private static double number(Params params, String key) throws EngineException {
      try {
        return params.getDouble(key, 0);
      } catch (ClassCastException e) {
        throw new EngineException(EngineException.Kind.INVALID_INPUT, "param '" + key + "' must be a number");
      }
    }

    public double pitchRatio() {
      return Math.pow(2, semitones / 12);
    }

    /** Where the envelope goes: only its own move when preserving, else with the pitch too. */
    public double envelopeRatio() {
      double own = Math.pow(2, formantSemitones / 12);
      return preserveFormants ? own : own * pitchRatio();
    }
  }

  /** Shifts {@code clip}; the result has its rate, channel count, length and format. */
  public static AudioClip shift(AudioClip clip, Shift shift, JobContext context) throws CancelledException {
    int channels = clip.channels();
    int frames = clip.frames();
    if (frames == 0) {
      return new AudioClip(clip.sampleRate(), channels, clip.format(), new float[0]);
    }
    float[][] planar = new float[channels][frames];
    float[] interleaved = clip.samples();
    for (int f = 0; f < frames; f++) {
      for (int c = 0; c < channels; c++) {
        planar[c][f] = interleaved[f * channels + c];
      }
    }
    FormantPreservingShifter shifter = new FormantPreservingShifter(clip.sampleRate());
    float[][] shifted = shifter.shift(planar, shift.pitchRatio(), shift.envelopeRatio(), context);
    float[] out = new float[interleaved.length];
    for (int f = 0; f < frames; f++) {
      for (int c = 0; c < channels; c++) {
        out[f * channels + c] = shifted[c][f];
      }
    }
    AudioClip result = new AudioClip(clip.sampleRate(), channels, clip.format(), out);
    // A shift can raise the peak a little (partials add in new phase relations); never clip.
    return PeakNormalizer.peak(result) > 1 ? PeakNormalizer.normalize(result, 0) : result;
  }
}
