package org.creativebridge.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import javax.sound.sampled.spi.AudioFileReader;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FLAC, MP3 and Ogg Vorbis: fixtures are encoded at test time by Debian's flac, lame and oggenc;
 * decoding needs the SPI providers of inference/AUDIO_DEPENDENCIES.txt. Either missing skips, loudly.
 */
class AudioCodecCompressedTest {
  @TempDir Path dir;

  private static final AudioCodec.Limits LIMITS = AudioCodec.Limits.defaults();

  private static boolean providerInstalled(String classPrefix) {
    for (AudioFileReader reader : ServiceLoader.load(AudioFileReader.class)) {
      if (reader.getClass().getName().startsWith(classPrefix)) {
        return true;
      }
    }
    System.out.println("SKIPPED: no Java Sound provider " + classPrefix + "* on the class path");
    return false;
  }

  private Path toneWav(String name, int rate, int channels, double seconds, AudioClip.SampleFormat format)
      throws Exception {
    int frames = (int) (rate * seconds);
    float[] mono = Signals.sine(1000, rate, frames, 0.5);
    float[] samples = new float[frames * channels];
    for (int f = 0; f < frames; f++) {
      for (int c = 0; c < channels; c++) {
        // Snapped to the 16-bit grid so a 16-bit FLAC must reproduce it exactly.
        samples[f * channels + c] = Math.round(mono[f] * (c + 1) / channels * 32767) / 32768f;
      }
    }
    Path wav = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(wav)) {
      AudioCodec.writeWav(new AudioClip(rate, channels, format, samples), WavEncoding.PCM24, Map.of(), out);
    }
    return wav;
  }

  @Test
  void flacDecodesLosslesslyToTheSamplesEncoded() throws Exception {
    assumeTrue(ExternalTools.available("flac") && providerInstalled("org.jflac"));
    Path wav = toneWav("tone.wav", 44100, 2, 1.0, AudioClip.SampleFormat.PCM24);
    Path flac = dir.resolve("tone.flac");
    ExternalTools.run(List.of("flac", "--silent", "-f", "-o", flac.toString(), wav.toString()));
    AudioCodec.Header header = AudioCodec.probe(flac, "audio/flac", LIMITS);
    assertEquals(new AudioCodec.Header(44100, 2, 44100, AudioClip.SampleFormat.PCM24, "audio/flac"), header);
    AudioClip decoded = AudioCodec.decode(flac, "audio/x-flac", LIMITS);
    assertArrayEquals(AudioCodec.decode(wav, "audio/wav", LIMITS).samples(), decoded.samples());
    assertEquals(AudioClip.SampleFormat.PCM24, decoded.format());
  }

  @Test
  void truncatedFlacIsRefused() throws Exception {
    assumeTrue(ExternalTools.available("flac") && providerInstalled("org.jflac"));
    Path wav = toneWav("tone.wav", 48000, 1, 2.0, AudioClip.SampleFormat.PCM24);
    Path flac = dir.resolve("tone.flac");
    ExternalTools.run(List.of("flac", "--silent", "-f", "-o", flac.toString(), wav.toString()));
    byte[] bytes = Files.readAllBytes(flac);
    Path cut = Files.write(dir.resolve("cut.flac"), Arrays.copyOf(bytes, bytes.length / 2));
    EngineException e = assertThrows(EngineException.class, () -> AudioCodec.decode(cut, "audio/flac", LIMITS));
    assertEquals(Kind.AUDIO_UNREADABLE, e.kind());
    assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("damaged"), e.getMessage());
  }

  @Test
  void mp3DecodesToTheToneAtItsLength() throws Exception {
    assumeTrue(ExternalTools.available("lame") && providerInstalled("javazoom.spi.mpeg"));
    Path wav = toneWav("tone16.wav", 44100, 1, 2.0, AudioClip.SampleFormat.PCM16);
    Path mp3 = dir.resolve("tone.mp3");
    ExternalTools.run(List.of("lame", "--quiet", "-b", "128", wav.toString(), mp3.toString()));
    AudioCodec.Header header = AudioCodec.probe(mp3, "audio/mpeg", LIMITS);
    assertEquals(44100, header.sampleRate());
    assertEquals(1, header.channels());
    assertEquals(88200, header.frames(), 3 * 1152);
    AudioClip clip = AudioCodec.decode(mp3, "audio/mp3", LIMITS);
    assertEquals(88200, clip.frames(), 3 * 1152);
    assertEquals(1000, Signals.zeroCrossingFrequency(clip.samples(), 44100, 4410, 80000), 0.1);
  }

  @Test
  void oggVorbisDecodesToTheToneAtItsExactLength() throws Exception {
    assumeTrue(ExternalTools.available("oggenc") && providerInstalled("javazoom.spi.vorbis"));
    Path wav = toneWav("tone.wav", 48000, 2, 1.5, AudioClip.SampleFormat.PCM16);
    Path ogg = dir.resolve("tone.ogg");
    ExternalTools.run(List.of("oggenc", "--quiet", "-q", "4", "-o", ogg.toString(), wav.toString()));
    AudioCodec.Header header = AudioCodec.probe(ogg, "audio/ogg", LIMITS);
    assertEquals(new AudioCodec.Header(48000, 2, 72000, AudioClip.SampleFormat.PCM16, "audio/ogg"), header);
    AudioClip clip = AudioCodec.decode(ogg, "audio/ogg", LIMITS);
    assertEquals(72000, clip.frames());
    float[] left = new float[clip.frames()];
    for (int i = 0; i < left.length; i++) {
      left[i] = clip.sample(i, 0);
    }
    assertEquals(1000, Signals.zeroCrossingFrequency(left, 48000, 4800, 67200), 0.1);

    byte[] bytes = Files.readAllBytes(ogg);
    Path cut = Files.write(dir.resolve("cut.ogg"), Arrays.copyOf(bytes, bytes.length * 2 / 3));
    EngineException e = assertThrows(EngineException.class, () -> AudioCodec.probe(cut, "audio/ogg", LIMITS));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void garbageAndNonMp3FilesSentAsMp3AreRefusedQuickly() throws Exception {
    byte[] garbage = new byte[200_000];
    new Random(42).nextBytes(garbage);
    Path random = Files.write(dir.resolve("random.mp3"), garbage);
    EngineException e = assertThrows(EngineException.class, () -> AudioCodec.decode(random, "audio/mpeg", LIMITS));
    assertEquals(Kind.AUDIO_UNREADABLE, e.kind());
    assertTrue(e.getMessage().contains("not an MP3 stream"), e.getMessage());

    Path text = Files.writeString(dir.resolve("text.mp3"), "ID3 but really just text ".repeat(100));
    assertEquals(Kind.AUDIO_UNREADABLE,
        assertThrows(EngineException.class, () -> AudioCodec.decode(text, "audio/mpeg", LIMITS)).kind());

    Path onlyTag = Files.write(dir.resolve("tag.mp3"), new byte[] {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 100, 1, 2, 3});
    EngineException tag = assertThrows(EngineException.class, () -> AudioCodec.decode(onlyTag, "audio/mpeg", LIMITS));
    assertTrue(tag.getMessage().contains("ID3"), tag.getMessage());

    Path empty = Files.write(dir.resolve("empty.mp3"), new byte[0]);
    assertTrue(assertThrows(EngineException.class, () -> AudioCodec.decode(empty, "audio/mpeg", LIMITS))
        .getMessage().contains("empty"));
    Path flacAsOgg = Files.write(dir.resolve("x.ogg"), new byte[] {'f', 'L', 'a', 'C', 0, 0, 0, 34});
    assertTrue(assertThrows(EngineException.class, () -> AudioCodec.decode(flacAsOgg, "audio/ogg", LIMITS))
        .getMessage().contains("send it as audio/flac"));
  }

  @Test
  void truncatedOrDamagedMp3NeverHangsOrCrashes() throws Exception {
    assumeTrue(ExternalTools.available("lame") && providerInstalled("javazoom.spi.mpeg"));
    Path wav = toneWav("tone.wav", 44100, 2, 3.0, AudioClip.SampleFormat.PCM16);
    Path mp3 = dir.resolve("tone.mp3");
    ExternalTools.run(List.of("lame", "--quiet", "-V", "4", wav.toString(), mp3.toString()));
    byte[] bytes = Files.readAllBytes(mp3);
    // VBR with a Xing header: a cut-off stream decodes short of its declared frame count.
    Path cut = Files.write(dir.resolve("cut.mp3"), Arrays.copyOf(bytes, bytes.length / 2));
    EngineException e = assertThrows(EngineException.class, () -> AudioCodec.decode(cut, "audio/mpeg", LIMITS));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    // Garbage after valid frame headers: an error or shortened audio, never a hang.
    byte[] damaged = bytes.clone();
    Random random = new Random(7);
    for (int i = 2000; i < damaged.length; i++) {
      damaged[i] = (byte) random.nextInt();
    }
    Path bad = Files.write(dir.resolve("bad.mp3"), damaged);
    long start = System.nanoTime();
    try {
      AudioCodec.decode(bad, "audio/mpeg", LIMITS);
    } catch (EngineException refused) {
      assertEquals(Kind.AUDIO_UNREADABLE, refused.kind());
    }
    assertTrue(System.nanoTime() - start < 20_000_000_000L);
  }

  @Test
  void overLongCompressedInputIsRefusedByItsHeader() throws Exception {
    assumeTrue(ExternalTools.available("flac"));
    Path wav = toneWav("tone.wav", 8000, 1, 1.0, AudioClip.SampleFormat.PCM16);
    Path flac = dir.resolve("tone.flac");
    ExternalTools.run(List.of("flac", "--silent", "-f", "-o", flac.toString(), wav.toString()));
    EngineException e = assertThrows(EngineException.class,
        () -> AudioCodec.probe(flac, "audio/flac", new AudioCodec.Limits(7999, 8, 384000)));
    assertEquals(Kind.AUDIO_TOO_LONG, e.kind());
  }
}
