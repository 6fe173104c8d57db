package org.creativebridge.inference.image.inpaint;

/**
 * The input size a model takes. A <em>fixed</em> model (LaMa's 512 export) gets every context box
 * scaled down to fit and padded to exactly {@code width x height}; a <em>dynamic</em> one takes
 * each box as it is, and {@code width x height} is only the scale it was trained at, used as the
 * smallest box worth cropping.
 *
 * <p>Immutable; thread-safe.
 */
record ModelCanvas(int width, int height, boolean fixed) {

  ModelCanvas {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("model size must be positive: " + width + "x" + height);
    }
  }

  static ModelCanvas fixed(int width, int height) {
    return new ModelCanvas(width, height, true);
  }

  /** A model that takes any size and was trained on {@code nativeSide} squares. */
  static ModelCanvas dynamic(int nativeSide) {
    return new ModelCanvas(nativeSide, nativeSide, false);
  }
}
