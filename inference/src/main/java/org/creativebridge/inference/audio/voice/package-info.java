/**
 * {@code audio.voice_convert}: the built-in formant-preserving {@link
 * org.creativebridge.inference.audio.voice.PitchShiftEngine} (no download) and the {@link
 * org.creativebridge.inference.audio.voice.RvcVoiceEngine} for RVC v1/v2 ONNX voices, with the
 * {@link org.creativebridge.inference.audio.voice.PitchTracker} (YIN, 100 frames/s) and RVC's
 * coarse pitch bins ({@link org.creativebridge.inference.audio.voice.CoarsePitch}) they share.
 * The DSP is written here (FFT, YIN, phase vocoder, true envelope, RMVPE's log-mel front end);
 * resampling and channel mixing come from {@code org.creativebridge.inference.audio}.
 *
 * <p>Why not TarsosDSP: its YIN/MPM trackers are accurate on tones, but its {@code PitchShifter}
 * is a plain bin-shifting phase vocoder and its WSOLA + rate-transposer path resamples the whole
 * signal, so neither keeps the formants (the chipmunk effect this package exists to avoid), and
 * its time-domain YIN took about 4.5 s for a 60 s take here, against well under a second for the
 * FFT-based one below.
 */
package org.creativebridge.inference.audio.voice;
