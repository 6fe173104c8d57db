package org.creativebridge.inference.audio;

/**
 * Changes a clip's channel count. Rules, chosen so no mix can clip when its input does not:
 * <ul>
 *   <li>to mono: the mean of all channels;
 *   <li>from mono: the one channel copied to every output channel (equal level: a mono voice on
 *       a stereo track should sound as loud as before);
 *   <li>up from 2 or more: the channels kept in order, the new ones silent;
 *   <li>5.1 (WAV order FL FR FC LFE BL BR) to stereo: L = FL + 0.707 FC + 0.707 BL, R likewise,
 *       LFE dropped, scaled by 1 / 2.414 (the ITU-R BS.775 coefficients, normalised);
 *   <li>other downmixes: input channel i feeds output i mod n, each output the mean of its inputs.
 * </ul>
 *
 * <p>Thread-safety: stateless; every call returns a new clip and leaves its input unchanged.
 */
public final class ChannelMixer {
  private static final float MINUS_3_DB = (float) Math.sqrt(0.5);

  private ChannelMixer() {}

  public static AudioClip toMono(AudioClip clip) {
    return remix(clip, 1);
  }

  public static AudioClip toStereo(AudioClip clip) {
    return remix(clip, 2);
  }

  /** The clip with {@code channels} channels, by the rules in the class comment; the input itself when equal. */
  public static AudioClip remix(AudioClip clip, int channels) {
    if (channels < 1) {
      throw new IllegalArgumentException("channel count must be positive: " + channels);
    }
    int from = clip.channels();
    if (from == channels) {
      return clip;
    }
    float[] weights = from == 6 && channels == 2 ? surroundToStereo() : weights(from, channels);
    int frames = clip.frames();
    float[] in = clip.samples();
    float[] out = new float[Math.multiplyExact(frames, channels)];
    for (int f = 0; f < frames; f++) {
      int inBase = f * from;
      int outBase = f * channels;
      for (int o = 0; o < channels; o++) {
        float sum = 0;
        for (int i = 0; i < from; i++) {
          float weight = weights[o * from + i];
          if (weight != 0) {
            sum += weight * in[inBase + i];
          }
        }
        out[outBase + o] = sum;
      }
    }
    return new AudioClip(clip.sampleRate(), channels, clip.format(), out);
  }

  /** weights[o * from + i]: how much input channel i contributes to output channel o. */
  private static float[] weights(int from, int to) {
    float[] weights = new float[from * to];
    if (from == 1) {
      for (int o = 0; o < to; o++) {
        weights[o] = 1;
      }
    } else if (to > from) {
      for (int i = 0; i < from; i++) {
        weights[i * from + i] = 1;
      }
    } else {
      for (int o = 0; o < to; o++) {
        int feeding = 0;
        for (int i = o; i < from; i += to) {
          feeding++;
        }
        for (int i = o; i < from; i += to) {
          weights[o * from + i] = 1f / feeding;
        }
      }
    }
    return weights;
  }

  private static float[] surroundToStereo() {
    float norm = 1 / (1 + 2 * MINUS_3_DB);
    float side = MINUS_3_DB * norm;
    return new float[] {
      norm, 0, side, 0, side, 0, // left: FL, FC, BL
      0, norm, side, 0, 0, side, // right: FR, FC, BR
    };
  }
}
