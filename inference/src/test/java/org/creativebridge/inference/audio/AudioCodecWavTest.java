package org.creativebridge.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioCodecWavTest {
  @TempDir Path dir;

  private static final AudioCodec.Limits LIMITS = AudioCodec.Limits.defaults();

  private Path file(String name, byte[] bytes) throws IOException {
    Path path = dir.resolve(name);
    Files.write(path, bytes);
    return path;
  }

  private static byte[] wav(AudioClip clip, WavEncoding encoding, Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioCodec.writeWav(clip, encoding, metadata, out);
    return out.toByteArray();
  }

  private EngineException refused(byte[] bytes, String type) throws IOException {
    Path path = file("bad.wav", bytes);
    return assertThrows(EngineException.class, () -> AudioCodec.decode(path, type, LIMITS));
  }

  @Test
  void everySixteenBitCodeValueReadsExactlyAndWritesBackAsTwentyFourBit() throws Exception {
    short[] codes = new short[65536];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (short) (i - 32768);
    }
    Path path = file("all16.wav", WavBytes.riff().fmt(1, 1, 44100, 16).data(WavBytes.pcm16(codes)).bytes());
    AudioClip clip = AudioCodec.decode(path, "audio/wav", LIMITS);
    assertEquals(AudioClip.SampleFormat.PCM16, clip.format());
    for (int i = 0; i < codes.length; i++) {
      assertEquals(codes[i] / 32768f, clip.samples()[i]);
    }
    Path out = file("all16-as24.wav", wav(clip, WavEncoding.PCM24, Map.of()));
    AudioClip back = AudioCodec.decode(out, "audio/wav", LIMITS);
    assertEquals(AudioClip.SampleFormat.PCM24, back.format());
    assertArrayEquals(clip.samples(), back.samples());
  }

  @Test
  void twentyFourBitCodesRoundTripBitExactly() throws Exception {
    // Every 97th code plus both extremes: 173k values across the whole range.
    int count = (1 << 24) / 97 + 2;
    float[] samples = new float[count];
    for (int i = 0; i < count - 2; i++) {
      samples[i] = (-8388608 + i * 97) / 8388608f;
    }
    samples[count - 2] = -1f;
    samples[count - 1] = 8388607 / 8388608f;
    AudioClip clip = new AudioClip(96000, 2, AudioClip.SampleFormat.PCM24, samples);
    Path out = file("sweep24.wav", wav(clip, WavEncoding.PCM24, Map.of()));
    AudioClip back = AudioCodec.decode(out, "audio/x-wav", LIMITS);
    assertArrayEquals(samples, back.samples());
    assertEquals(96000, back.sampleRate());
    assertEquals(2, back.channels());
  }

  @Test
  void floatSamplesRoundTripBitForBitIncludingOverloadsAndNegativeZero() throws Exception {
    float[] samples = {0f, -0f, 1e-40f, 0.123456789f, -1f, 1f, 1.5f, -3.25f, Float.MIN_VALUE, 0.7f, -0.2f, 0.33f};
    AudioClip clip = new AudioClip(48000, 3, AudioClip.SampleFormat.FLOAT32, samples);
    Path out = file("float.wav", wav(clip, WavEncoding.FLOAT32, Map.of()));
    AudioClip back = AudioCodec.decode(out, "audio/wave", LIMITS);
    assertEquals(AudioClip.SampleFormat.FLOAT32, back.format());
    for (int i = 0; i < samples.length; i++) {
      assertEquals(Float.floatToRawIntBits(samples[i]), Float.floatToRawIntBits(back.samples()[i]), "sample " + i);
    }
  }

  @Test
  void pcm24WritingRoundsToNearestAndClampsWithoutDither() throws Exception {
    float step = 1f / 8388608;
    float[] samples = {0.4f * step, 0.6f * step, -0.6f * step, 2f, -2f, Float.NaN};
    AudioClip clip = new AudioClip(8000, 1, AudioClip.SampleFormat.FLOAT32, samples);
    byte[] first = wav(clip, WavEncoding.PCM24, Map.of());
    assertArrayEquals(first, wav(clip, WavEncoding.PCM24, Map.of()), "output must be reproducible");
    AudioClip back = AudioCodec.decode(file("r.wav", first), "audio/wav", LIMITS);
    assertArrayEquals(new float[] {0, step, -step, 8388607 * step, -1f, 0}, back.samples());
  }

  @Test
  void metadataRoundTripsWithNonAsciiTextAndEscapes() throws Exception {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("creative-bridge.recipe", "{\"task\":\"audio.tts\",\"text\":\"Grüße, 東京 🎵\\n\"}");
    metadata.put("note", "tab\tquote\" back\\slash \u0001 é");
    AudioClip clip = AudioClip.mono(22050, new float[] {0.1f, 0.2f, 0.3f});
    Path out = file("meta.wav", wav(clip, WavEncoding.PCM24, metadata));
    assertEquals(metadata, AudioCodec.readWavMetadata(out));
    assertEquals(3, AudioCodec.decode(out, "audio/wav", LIMITS).frames());
    Path plain = file("plain.wav", wav(clip, WavEncoding.FLOAT32, Map.of()));
    assertEquals(Map.of(), AudioCodec.readWavMetadata(plain));
  }

  @Test
  void readsEightBitUnsignedAndThirtyTwoBitIntegerAndSixtyFourBitFloat() throws Exception {
    Path eight = file("u8.wav", WavBytes.riff().fmt(1, 1, 8000, 8).data(new byte[] {0, (byte) 128, (byte) 255}).bytes());
    AudioClip clip = AudioCodec.decode(eight, "audio/wav", LIMITS);
    assertArrayEquals(new float[] {-1f, 0f, 127 / 128f}, clip.samples());
    assertEquals(AudioClip.SampleFormat.PCM8, clip.format());

    ByteBuffer ints = WavBytes.le(8).putInt(Integer.MIN_VALUE).putInt(1 << 30);
    Path thirtyTwo = file("i32.wav", WavBytes.riff().fmt(1, 2, 44100, 32).chunk("data", ints).bytes());
    AudioClip clip32 = AudioCodec.decode(thirtyTwo, "audio/wav", LIMITS);
    assertArrayEquals(new float[] {-1f, 0.5f}, clip32.samples());
    assertEquals(AudioClip.SampleFormat.PCM32, clip32.format());

    ByteBuffer doubles = WavBytes.le(16).putDouble(0.25).putDouble(-0.75);
    Path sixtyFour = file("f64.wav", WavBytes.riff().fmt(3, 1, 44100, 64).chunk("data", doubles).bytes());
    assertArrayEquals(new float[] {0.25f, -0.75f}, AudioCodec.decode(sixtyFour, "audio/wav", LIMITS).samples());
  }

  @Test
  void readsExtensibleFloatAndTwentyFourBitsInThirtyTwoBitContainers() throws Exception {
    ByteBuffer floats = WavBytes.le(8).putFloat(0.5f).putFloat(-0.25f);
    Path ext = file("ext.wav", WavBytes.riff().fmtExtensible(3, 2, 48000, 32, 32).chunk("data", floats).bytes());
    AudioClip clip = AudioCodec.decode(ext, "audio/wav", LIMITS);
    assertArrayEquals(new float[] {0.5f, -0.25f}, clip.samples());
    assertEquals(AudioClip.SampleFormat.FLOAT32, clip.format());

    ByteBuffer padded = WavBytes.le(4).putInt(-8388608 << 8);
    Path ext24 = file("ext24.wav", WavBytes.riff().fmtExtensible(1, 1, 48000, 32, 24).chunk("data", padded).bytes());
    AudioClip clip24 = AudioCodec.decode(ext24, "audio/wav", LIMITS);
    assertArrayEquals(new float[] {-1f}, clip24.samples());
    assertEquals(AudioClip.SampleFormat.PCM24, clip24.format());
  }

  @Test
  void walksListChunksBeforeFmtAndOddSizedChunksWithAndWithoutPadding() throws Exception {
    byte[] odd = {'a', 'b', 'c'};
    byte[] padded = WavBytes.riff().chunk("LIST", odd, true).fmt(1, 1, 8000, 16).chunk("junk", odd, true)
        .data(WavBytes.pcm16((short) 100, (short) -100)).bytes();
    assertEquals(2, AudioCodec.probe(file("p.wav", padded), "audio/wav", LIMITS).frames());
    byte[] unpadded = WavBytes.riff().chunk("LIST", odd, false).fmt(1, 1, 8000, 16)
        .data(WavBytes.pcm16((short) 100, (short) -100)).bytes();
    AudioClip clip = AudioCodec.decode(file("u.wav", unpadded), "audio/wav", LIMITS);
    assertArrayEquals(new float[] {100 / 32768f, -100 / 32768f}, clip.samples());
  }

  @Test
  void streamingPlaceholderDataSizeIsClampedToTheFile() throws Exception {
    byte[] samples = WavBytes.pcm16((short) 1, (short) 2, (short) 3);
    for (long placeholder : new long[] {0xFFFFFFFFL, 0x7FFFFFFFL, 0x7FFFF000L}) {
      byte[] bytes = WavBytes.riff().riffSize(placeholder).fmt(1, 1, 16000, 16)
          .chunkWithSize("data", placeholder, samples, false).bytes();
      Path path = file("stream.wav", bytes);
      assertEquals(3, AudioCodec.probe(path, "audio/wav", LIMITS).frames());
      assertEquals(3 / 32768f, AudioCodec.decode(path, "audio/wav", LIMITS).samples()[2]);
    }
    // A writer that left both sizes at 0 and a partial frame at the end.
    byte[] zeroSized = WavBytes.riff().riffSize(0).fmt(1, 2, 16000, 16)
        .chunkWithSize("data", 0, WavBytes.pcm16((short) 1, (short) 2, (short) 3), false).bytes();
    assertEquals(1, AudioCodec.decode(file("z.wav", zeroSized), "audio/wav", LIMITS).frames());
  }

  @Test
  void truncatedDataChunkIsRefusedNamingExpectedAndActualBytes() throws Exception {
    byte[] bytes = WavBytes.riff().fmt(1, 2, 44100, 16).chunkWithSize("data", 4000, new byte[1000], false).bytes();
    EngineException e = refused(bytes, "audio/wav");
    assertEquals(Kind.AUDIO_UNREADABLE, e.kind());
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("4000 bytes")
        && e.getMessage().contains("1000 bytes"), e.getMessage());
    assertEquals(4000L, e.details().get("expected_bytes"));
    assertEquals(1000L, e.details().get("actual_bytes"));
  }

  @Test
  void zeroSamplesAreRefused() throws Exception {
    EngineException empty = refused(WavBytes.riff().fmt(1, 1, 44100, 16).data(new byte[0]).bytes(), "audio/wav");
    assertEquals(Kind.AUDIO_UNREADABLE, empty.kind());
    assertTrue(empty.getMessage().contains("no audio samples"), empty.getMessage());
    EngineException partial = refused(WavBytes.riff().fmt(1, 2, 44100, 24).data(new byte[5]).bytes(), "audio/wav");
    assertTrue(partial.getMessage().contains("shorter than one frame"), partial.getMessage());
    EngineException noData = refused(WavBytes.riff().fmt(1, 1, 44100, 16).bytes(), "audio/wav");
    assertTrue(noData.getMessage().contains("no data chunk"), noData.getMessage());
  }

  @Test
  void lyingOrBrokenHeadersAreRefusedWithReasons() throws Exception {
    byte[] samples = WavBytes.pcm16((short) 1, (short) 2);
    assertMessage(WavBytes.riff().fmtWithAlign(2, 44100, 16, 3).data(samples).bytes(), "block size of 3");
    assertMessage(WavBytes.riff().fmt(1, 0, 44100, 16).data(samples).bytes(), "zero channels");
    assertMessage(WavBytes.riff().fmt(1, 1, 0, 16).data(samples).bytes(), "0 Hz");
    assertMessage(WavBytes.riff().fmt(1, 1, 44100, 12).data(samples).bytes(), "12-bit");
    assertMessage(WavBytes.riff().fmt(7, 1, 8000, 8).data(samples).bytes(), "mu-law");
    assertMessage(WavBytes.riff().data(samples).bytes(), "no fmt chunk");
    assertMessage(new byte[] {'R', 'I', 'F', 'F', 4, 0, 0, 0, 'W', 'A', 'V', 'E'}, "neither a fmt chunk nor a data chunk");
    assertMessage(new byte[0], "empty");
    assertMessage("hello, this is text and not audio at all".getBytes(), "not a WAV file");
    byte[] truncatedFmt = java.util.Arrays.copyOf(WavBytes.riff().fmt(1, 1, 44100, 16).bytes(), 30);
    assertMessage(truncatedFmt, "truncated");
  }

  private void assertMessage(byte[] bytes, String expected) throws IOException {
    EngineException e = refused(bytes, "audio/wav");
    assertEquals(Kind.AUDIO_UNREADABLE, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should say '" + expected + "'");
  }

  @Test
  void overLongInputIsRefusedBeforeDecoding() throws Exception {
    // The header claims an hour and a bit of 48 kHz stereo 16-bit via a streaming placeholder;
    // the file is small, so only a header-based limit check can be what refuses it.
    byte[] bytes = WavBytes.riff().fmt(1, 2, 48000, 16).data(new byte[4 * 1000]).bytes();
    Path path = file("long.wav", bytes);
    AudioCodec.Limits tiny = new AudioCodec.Limits(999, 8, 384000);
    EngineException e = assertThrows(EngineException.class, () -> AudioCodec.probe(path, "audio/wav", tiny));
    assertEquals(Kind.AUDIO_TOO_LONG, e.kind());
    assertTrue(e.getMessage().contains("1000 frames"), e.getMessage());
    EngineException channels = assertThrows(EngineException.class,
        () -> AudioCodec.probe(path, "audio/wav", new AudioCodec.Limits(10_000, 1, 384000)));
    assertEquals(Kind.AUDIO_TOO_LONG, channels.kind());
    EngineException rate = assertThrows(EngineException.class,
        () -> AudioCodec.probe(path, "audio/wav", new AudioCodec.Limits(10_000, 2, 44100)));
    assertEquals(Kind.AUDIO_TOO_LONG, rate.kind());
  }

  @Test
  void mislabelledFilesAreRefusedNamingWhatTheyAre() throws Exception {
    byte[] wav = WavBytes.riff().fmt(1, 1, 8000, 16).data(WavBytes.pcm16((short) 1)).bytes();
    EngineException e = refused(wav, "audio/mpeg");
    assertTrue(e.getMessage().contains("is a WAV file; send it as audio/wav"), e.getMessage());
    EngineException png = refused(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0}, "audio/wav");
    assertTrue(png.getMessage().contains("PNG image"), png.getMessage());
    EngineException type = refused(wav, "video/mp4");
    assertTrue(type.getMessage().contains("not an audio type"), type.getMessage());
  }

  @Test
  void recognisesAudioMediaTypes() {
    for (String type : new String[] {"audio/wav", "audio/x-wav", "audio/wave", "AUDIO/WAV; codecs=1", "audio/flac",
        "audio/mpeg", "audio/ogg"}) {
      assertTrue(AudioCodec.isAudioType(type), type);
    }
    assertFalse(AudioCodec.isAudioType("image/png"));
    assertFalse(AudioCodec.isAudioType(null));
    assertFalse(AudioCodec.isAudioType("audio/aac"));
  }

  @Test
  void multichannelOutputUsesExtensibleFormatAndReadsBack() throws Exception {
    float[] samples = new float[6 * 10];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (i % 13) / 16f - 0.5f;
    }
    AudioClip clip = new AudioClip(48000, 6, AudioClip.SampleFormat.PCM24, samples);
    byte[] bytes = wav(clip, WavEncoding.PCM24, Map.of("k", "v"));
    assertEquals((short) 0xFFFE, ByteBuffer.wrap(bytes, 20, 2).order(java.nio.ByteOrder.LITTLE_ENDIAN).getShort());
    AudioClip back = AudioCodec.decode(file("six.wav", bytes), "audio/wav", LIMITS);
    assertArrayEquals(samples, back.samples());
    assertEquals(6, back.channels());
  }
}
