package org.creativebridge.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our WAV output read by Debian python3's wave module (PCM) and numpy (float), independently of our reader. */
class IndependentReaderTest {
  @TempDir Path dir;

  private static final String PCM_SCRIPT = String.join("\n",
      "import sys, wave",
      "w = wave.open(sys.argv[1], 'rb')",
      "n = w.getnframes(); raw = w.readframes(n)",
      "codes = [int.from_bytes(raw[i:i+3], 'little', signed=True) for i in range(0, len(raw), 3)]",
      "print(w.getnchannels(), w.getsampwidth(), w.getframerate(), n, sum(codes), sum(abs(c) * (i + 1) for i, c in enumerate(codes)))");

  private static final String FLOAT_SCRIPT = String.join("\n",
      "import sys, struct, numpy as np",
      "b = open(sys.argv[1], 'rb').read(); i = 12; fmt = None",
      "while i + 8 <= len(b):",
      "    cid = b[i:i+4]; size = struct.unpack('<I', b[i+4:i+8])[0]",
      "    if cid == b'fmt ': fmt = struct.unpack('<HHIIHH', b[i+8:i+24])",
      "    if cid == b'data': x = np.frombuffer(b[i+8:i+8+size], dtype='<f4'); break",
      "    i += 8 + size + (size & 1)",
      "print(fmt[0], fmt[1], fmt[2], fmt[5], x.size, repr(float(x.astype(np.float64).sum())), x.view('<u4').astype(np.uint64).sum())");

  @Test
  void pythonWaveModuleReadsOurPcm24OutputWithTheSameCodes() throws Exception {
    assumeTrue(ExternalTools.available("python3"));
    float[] samples = new float[2 * 1001];
    long sum = 0;
    long weighted = 0;
    for (int i = 0; i < samples.length; i++) {
      int code = (int) ((i * 2654435761L) % (1 << 24)) - (1 << 23);
      samples[i] = code / 8388608f;
      sum += code;
      weighted += Math.abs((long) code) * (i + 1);
    }
    Path wav = dir.resolve("pcm24.wav");
    try (OutputStream out = Files.newOutputStream(wav)) {
      AudioCodec.writeWav(new AudioClip(44100, 2, AudioClip.SampleFormat.PCM24, samples), WavEncoding.PCM24,
          Map.of("creative-bridge.recipe", "{\"a\":1}"), out);
    }
    Path script = Files.writeString(dir.resolve("read.py"), PCM_SCRIPT);
    String out = ExternalTools.run(List.of("/usr/bin/python3", script.toString(), wav.toString())).trim();
    assertEquals("2 3 44100 1001 " + sum + " " + weighted, out);
  }

  @Test
  void numpyReadsOurFloatOutputBitForBit() throws Exception {
    assumeTrue(ExternalTools.available("python3"));
    Path probe = Files.writeString(dir.resolve("np.py"), "import numpy");
    try {
      ExternalTools.run(List.of("/usr/bin/python3", probe.toString()));
    } catch (java.io.IOException e) {
      assumeTrue(false, "SKIPPED: numpy is not installed for /usr/bin/python3 (apt package python3-numpy)");
    }
    float[] samples = Signals.sweep(20, 20000, 48000, 4801, 0.9);
    samples[7] = 1.75f;
    double sum = 0;
    long bits = 0;
    for (float s : samples) {
      sum += s;
      bits += Integer.toUnsignedLong(Float.floatToRawIntBits(s));
    }
    Path wav = dir.resolve("float.wav");
    try (OutputStream out = Files.newOutputStream(wav)) {
      AudioCodec.writeWav(AudioClip.mono(48000, samples), WavEncoding.FLOAT32, Map.of("k", "ü"), out);
    }
    Path script = Files.writeString(dir.resolve("read.py"), FLOAT_SCRIPT);
    String[] out = ExternalTools.run(List.of("/usr/bin/python3", script.toString(), wav.toString())).trim().split(" ");
    assertEquals(List.of("3", "1", "48000", "32", "4801"), List.of(out).subList(0, 5));
    assertEquals(sum, Double.parseDouble(out[5]), 1e-9);
    assertEquals(bits, Long.parseLong(out[6]));
  }
}
