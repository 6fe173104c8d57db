package org.creativebridge.inference.audio;

/**
 * Audio as interleaved float samples in -1..1 at a sample rate, remembering the sample format it
 * arrived in. Integer PCM survives the trip exactly: each 16- and 24-bit code value maps to a float
 * and back to itself.
 *
 * <p>Not thread-safe for writes; engines that split work across threads write disjoint frames.
 */
public final class AudioClip {
  private final int sampleRate;
  private final int channels;
  private final SampleFormat format;
  private final float[] samples;

  /** The encoding an input came in; outputs default to PCM 24 unless a task asks for float. */
  public enum SampleFormat {
    PCM16,
    PCM24,
    PCM32,
    FLOAT32,
    /** 8-bit unsigned WAV (and 8-bit FLAC): each code value maps to a float and back exactly too. */
    PCM8
  }

  /** Wraps {@code samples} (not copied): interleaved frames, {@code channels} values each. */
  public AudioClip(int sampleRate, int channels, SampleFormat format, float[] samples) {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
    }
    if (channels <= 0) {
      throw new IllegalArgumentException("channel count must be positive: " + channels);
    }
    if (samples.length % channels != 0) {
      throw new IllegalArgumentException(samples.length + " samples do not make whole frames of " + channels);
    }
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.format = format;
    this.samples = samples;
  }

  public static AudioClip mono(int sampleRate, float[] samples) {
    return new AudioClip(sampleRate, 1, SampleFormat.FLOAT32, samples);
  }

  public int sampleRate() {
    return sampleRate;
  }

  public int channels() {
    return channels;
  }

  public SampleFormat format() {
    return format;
  }

  /** The backing array, interleaved; writes go through. */
  public float[] samples() {
    return samples;
  }

  public int frames() {
    return samples.length / channels;
  }

  public double seconds() {
    return (double) frames() / sampleRate;
  }

  public float sample(int frame, int channel) {
    return samples[frame * channels + channel];
  }

  @Override
  public String toString() {
    return "AudioClip[" + frames() + " frames x " + channels + " ch @ " + sampleRate + " Hz " + format + "]";
  }
}
