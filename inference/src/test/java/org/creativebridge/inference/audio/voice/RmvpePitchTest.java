package org.creativebridge.inference.audio.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RmvpePitchTest {

  @Test
  void logMelOfSilenceIsTheFloor() {
    float[][] mel = RmvpePitch.logMel(new float[16000], 0, 101);
    assertEquals(128, mel.length);
    assertEquals(101, mel[0].length);
    for (float[] band : mel) {
      for (float value : band) {
        assertEquals(Math.log(1e-5), value, 1e-6);
      }
    }
  }

  @Test
  void logMelPeaksInTheBandOfATone() {
    // The HTK mel band whose centre is nearest 1 kHz: edges equally spaced in mel from 30 to 8000 Hz.
    double low = 2595 * Math.log10(1 + 30 / 700.0);
    double high = 2595 * Math.log10(1 + 8000 / 700.0);
    int expected = 0;
    double nearest = Double.MAX_VALUE;
    for (int m = 0; m < 128; m++) {
      double centre = 700 * (Math.pow(10, (low + (high - low) * (m + 1) / 129) / 2595) - 1);
      if (Math.abs(centre - 1000) < nearest) {
        nearest = Math.abs(centre - 1000);
        expected = m;
      }
    }
    float[][] mel = RmvpePitch.logMel(VoiceSignals.sine(1000, 16000, 1.0, 0.5), 0, 101);
    int loudest = 0;
    for (int m = 1; m < 128; m++) {
      if (mel[m][50] > mel[loudest][50]) {
        loudest = m;
      }
    }
    assertTrue(Math.abs(loudest - expected) <= 1, "loudest band " + loudest + ", expected " + expected);
  }

  @Test
  void framesAreCentredWithReflectionAtTheEnds() {
    // A click at sample 0: frame 0 is centred on it, frame 10 (100 ms later) no longer sees it.
    float[] click = new float[16000];
    click[0] = 1;
    float[][] mel = RmvpePitch.logMel(click, 0, 11);
    assertTrue(mel[64][0] > Math.log(1e-5) + 1, "frame 0 should see the click: " + mel[64][0]);
    assertEquals(Math.log(1e-5), mel[64][10], 1e-6);
  }
}
