package org.creativebridge.inference.image.inpaint;

/** A rectangle of pixels, {@code [x0, x0 + width) x [y0, y0 + height)}. */
record PixelBounds(int x0, int y0, int width, int height) {

  int x1() {
    return x0 + width;
  }

  int y1() {
    return y0 + height;
  }

  int area() {
    return width * height;
  }

  /** This rectangle widened by {@code margin} on every side, clipped to {@code [0,w) x [0,h)}. */
  PixelBounds expandedWithin(int margin, int imageWidth, int imageHeight) {
    int left = Math.max(0, x0 - margin);
    int top = Math.max(0, y0 - margin);
    int right = Math.min(imageWidth, x1() + margin);
    int bottom = Math.min(imageHeight, y1() + margin);
    return new PixelBounds(left, top, right - left, bottom - top);
  }
}
