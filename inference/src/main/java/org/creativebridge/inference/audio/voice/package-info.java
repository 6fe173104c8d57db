/**
 * {@code audio.voice_convert}: the built-in formant-preserving {@link
 * org.creativebridge.inference.audio.voice.PitchShiftEngine} (no download) and the {@link
 * org.creativebridge.inference.audio.voice.RvcVoiceEngine} for RVC v1/v2 ONNX voices, with the
 * {@link org.creativebridge.inference.audio.voice.PitchTracker} (YIN, 100 frames/s) and RVC's
 * coarse pitch bins ({@link org.creativebridge.inference.audio.voice.CoarsePitch}) they share.
 * The DSP is written here (FFT, YIN, phase vocoder, true envelope, RMVPE's log-mel front end);
 * resampling and channel mixing come from {@code org.creativebridge.inference.audio}.
 */
package org.creativebridge.inference.audio.voice;
