package org.creativebridge.inference.image.inpaint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Where a model looks: one context box per masked region. The hole is split into connected
 * components (8-connected); components whose margin boxes (hole bounds plus {@link #MARGIN} on each
 * side) overlap are merged, so two strokes close together share one crop and see each other's fill,
 * while distant holes each get their own crop at the highest resolution it allows (as IOPaint's
 * crop strategy does).
 *
 * <p>Each crop holds its group's hole plus the margin, grows to at least the model's own size where
 * the image allows (more real context instead of upscaling a small crop, which would only blur it),
 * takes the model's aspect ratio so the scale to the model is uniform (no distortion), and is
 * shifted, never shrunk, to stay inside the image; it is clipped only where the image is smaller.
 *
 * <p>Immutable once planned; thread-safe.
 *
 * @param tiles one entry per group, each with its hole bounds and crop box
 * @param tileOfPixel for every image pixel, the index in {@code tiles} of the group whose hole
 *     holds it, or -1 outside the hole
 */
record ContextBoxes(List<Tile> tiles, int[] tileOfPixel) {

  /** Context kept around each hole on every side, in image pixels (IOPaint's default margin). */
  static final int MARGIN = 128;

  private static final int NO_TILE = -1;

  /** One group of hole components and the crop the model sees for it. */
  record Tile(PixelBounds hole, PixelBounds box) {}

  static ContextBoxes plan(FillMask mask, ModelCanvas canvas) {
    int width = mask.width();
    int height = mask.height();
    int[] component = new int[width * height];
    List<PixelBounds> components = label(mask.hole(), width, height, component);
    int[] groupOfComponent = group(components, width, height);

    List<PixelBounds> groupHoles = new ArrayList<>();
    for (int c = 0; c < components.size(); c++) {
      int g = groupOfComponent[c];
      if (g == groupHoles.size()) {
        groupHoles.add(components.get(c));
      } else {
        groupHoles.set(g, union(groupHoles.get(g), components.get(c)));
      }
    }
    List<Tile> tiles = new ArrayList<>();
    for (PixelBounds hole : groupHoles) {
      tiles.add(new Tile(hole, cropBox(hole, canvas, width, height)));
    }
    for (int i = 0; i < component.length; i++) {
      component[i] = component[i] == NO_TILE ? NO_TILE : groupOfComponent[component[i]];
    }
    return new ContextBoxes(List.copyOf(tiles), component);
  }

  /** The crop for a hole, as the class comment describes; package-private for tests. */
  static PixelBounds cropBox(
      PixelBounds hole, ModelCanvas canvas, int imageWidth, int imageHeight) {
    long wantWidth = Math.max((long) hole.width() + 2L * MARGIN, canvas.width());
    long wantHeight = Math.max((long) hole.height() + 2L * MARGIN, canvas.height());
    // Widen the narrower side to the model's aspect ratio: extra context costs no resolution,
    // since the longer side sets the scale anyway.
    if (wantWidth * canvas.height() < wantHeight * canvas.width()) {
      wantWidth = ceilDiv(wantHeight * canvas.width(), canvas.height());
    } else {
      wantHeight = ceilDiv(wantWidth * canvas.height(), canvas.width());
    }
    int boxWidth = (int) Math.min(wantWidth, imageWidth);
    int boxHeight = (int) Math.min(wantHeight, imageHeight);
    int x0 = centredWithin(hole.x0() + hole.width() / 2.0, boxWidth, imageWidth);
    int y0 = centredWithin(hole.y0() + hole.height() / 2.0, boxHeight, imageHeight);
    return new PixelBounds(x0, y0, boxWidth, boxHeight);
  }

  /** The start of a span of {@code length} centred on {@code centre}, shifted into the image. */
  private static int centredWithin(double centre, int length, int limit) {
    long start = Math.round(centre - length / 2.0);
    return (int) Math.max(0, Math.min(limit - length, start));
  }

  private static long ceilDiv(long numerator, long denominator) {
    return (numerator + denominator - 1) / denominator;
  }

  /**
   * Labels the 8-connected components of {@code hole} into {@code component} ({@link #NO_TILE}
   * outside) and returns each component's bounds, in scan order of their first pixel.
   */
  private static List<PixelBounds> label(boolean[] hole, int width, int height, int[] component) {
    Arrays.fill(component, NO_TILE);
    List<PixelBounds> bounds = new ArrayList<>();
    // An explicit stack: a recursive flood fill would overflow on a large hole.
    int[] stack = new int[64];
    for (int start = 0; start < hole.length; start++) {
      if (!hole[start] || component[start] != NO_TILE) {
        continue;
      }
      int id = bounds.size();
      int left = width;
      int top = height;
      int right = -1;
      int bottom = -1;
      int size = 0;
      stack[size++] = start;
      component[start] = id;
      while (size > 0) {
        int pixel = stack[--size];
        int x = pixel % width;
        int y = pixel / width;
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        for (int ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
          for (int nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
            int neighbour = ny * width + nx;
            if (hole[neighbour] && component[neighbour] == NO_TILE) {
              component[neighbour] = id;
              if (size == stack.length) {
                stack = Arrays.copyOf(stack, stack.length * 2);
              }
              stack[size++] = neighbour;
            }
          }
        }
      }
      bounds.add(new PixelBounds(left, top, right - left + 1, bottom - top + 1));
    }
    return bounds;
  }

  /**
   * Merges components whose margin boxes overlap, repeating until no two groups' boxes do (a merged
   * group's box is larger and may reach a third). Returns each component's group, numbered in order
   * of each group's first component.
   */
  private static int[] group(List<PixelBounds> components, int width, int height) {
    int count = components.size();
    int[] parent = new int[count];
    for (int i = 0; i < count; i++) {
      parent[i] = i;
    }
    boolean merged = true;
    while (merged) {
      merged = false;
      // Each root's hole bounds, then its margin box.
      PixelBounds[] holeOfRoot = new PixelBounds[count];
      for (int c = 0; c < count; c++) {
        int root = find(parent, c);
        holeOfRoot[root] =
            holeOfRoot[root] == null
                ? components.get(c)
                : union(holeOfRoot[root], components.get(c));
      }
      List<PixelBounds> margins = new ArrayList<>();
      List<Integer> roots = new ArrayList<>();
      for (int root = 0; root < count; root++) {
        if (holeOfRoot[root] != null) {
          roots.add(root);
          margins.add(holeOfRoot[root].expandedWithin(MARGIN, width, height));
        }
      }
      // Sweep in order of left edge, so a mask of many specks is not compared pair by pair.
      Integer[] order = new Integer[roots.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingInt(i -> margins.get(i).x0()));
      for (int i = 0; i < order.length; i++) {
        PixelBounds left = margins.get(order[i]);
        for (int j = i + 1; j < order.length && margins.get(order[j]).x0() < left.x1(); j++) {
          if (overlap(left, margins.get(order[j]))) {
            int a = find(parent, roots.get(order[i]));
            int b = find(parent, roots.get(order[j]));
            if (a != b) {
              parent[Math.max(a, b)] = Math.min(a, b);
              merged = true;
            }
          }
        }
      }
    }
    int[] groupOfComponent = new int[count];
    int[] groupOfRoot = new int[count];
    Arrays.fill(groupOfRoot, NO_TILE);
    int groups = 0;
    for (int c = 0; c < count; c++) {
      int root = find(parent, c);
      if (groupOfRoot[root] == NO_TILE) {
        groupOfRoot[root] = groups++;
      }
      groupOfComponent[c] = groupOfRoot[root];
    }
    return groupOfComponent;
  }

  private static int find(int[] parent, int node) {
    int root = node;
    while (parent[root] != root) {
      root = parent[root];
    }
    while (parent[node] != root) {
      int next = parent[node];
      parent[node] = root;
      node = next;
    }
    return root;
  }

  private static boolean overlap(PixelBounds a, PixelBounds b) {
    return a.x0() < b.x1() && b.x0() < a.x1() && a.y0() < b.y1() && b.y0() < a.y1();
  }

  private static PixelBounds union(PixelBounds a, PixelBounds b) {
    int x0 = Math.min(a.x0(), b.x0());
    int y0 = Math.min(a.y0(), b.y0());
    int x1 = Math.max(a.x1(), b.x1());
    int y1 = Math.max(a.y1(), b.y1());
    return new PixelBounds(x0, y0, x1 - x0, y1 - y0);
  }
}
