package org.creativebridge.inference.image.inpaint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.EngineRequest;
import org.creativebridge.inference.EngineResult;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.Params;
import org.creativebridge.inference.image.Resampler;
import org.creativebridge.inference.image.RgbaImage;

/**
 * The job shape every model-backed {@code image.inpaint} engine shares, around a model that fills
 * one crop at a time:
 *
 * <ol>
 *   <li>{@code prepare}: grow and feather the mask ({@link LocalFillMask}), lease the model, plan
 *       one context box per masked region ({@link ContextBoxes}), crop and scale each to the model
 *       ({@link ModelTile});
 *   <li>{@code infer}: run the model on each crop;
 *   <li>{@code compose}: scale each fill back to its box and paste only its hole pixels, blended by
 *       the feathered mask ({@link ModelFillComposite}).
 * </ol>
 *
 * <p>An empty mask returns a copy of the image without loading the model. Stateless; thread-safe:
 * everything a job touches is its own, and each job leases its own session.
 */
final class ModelInpaintPipeline {

  /** Progress at the end of {@code prepare}; {@code infer} runs up to {@link #INFERRED}. */
  private static final double PREPARED = 0.1;

  private static final double INFERRED = 0.9;

  private ModelInpaintPipeline() {}

  /** A model that fills crops; leased per job. */
  @FunctionalInterface
  interface TileModel {
    /**
     * Leases the session, checking the model against its contract.
     *
     * @throws EngineException {@code MODEL_UNAVAILABLE} when the file cannot load or does not fit
     */
    LeasedModel open() throws EngineException;
  }

  /** A leased model; close it when the job is done with it. */
  interface LeasedModel extends AutoCloseable {
    /** The size the model takes, read from its session. */
    ModelCanvas canvas();

    /**
     * Fills one crop.
     *
     * @return RGB in 0..1, laid out as {@link ModelTile.TilePixels#rgb}
     */
    float[] fill(ModelTile.TilePixels pixels, JobContext context)
        throws EngineException, CancelledException;

    @Override
    void close();
  }

  static EngineResult run(EngineRequest request, JobContext context, TileModel model)
      throws EngineException, CancelledException {
    RgbaImage image = request.input("image", RgbaImage.class);
    RgbaImage mask = request.input("mask", RgbaImage.class);
    InpaintInputs.requireSameSize(image, mask);
    FillSettings settings = FillSettings.from(request.params());

    context.stage("prepare");
    context.checkCancelled();
    FillMask fillMask = LocalFillMask.prepare(mask, settings.grow(), settings.feather());
    if (fillMask.isEmpty()) {
      context.progress(1.0);
      return new EngineResult(Map.of("image", image.copy()));
    }
    ContextBoxes plan;
    List<ModelTile> tiles = new ArrayList<>();
    List<float[]> fills = new ArrayList<>();
    // The lease ends before compose: the cache may then evict the session while we paste.
    try (LeasedModel leased = model.open()) {
      plan = ContextBoxes.plan(fillMask, leased.canvas());
      for (ContextBoxes.Tile tile : plan.tiles()) {
        context.checkCancelled();
        tiles.add(ModelTile.prepare(image, fillMask.hole(), tile.box(), leased.canvas()));
      }
      context.progress(PREPARED);

      context.stage("infer");
      for (ModelTile tile : tiles) {
        fills.add(leased.fill(tile.pixels(), context));
        context.progress(PREPARED + (INFERRED - PREPARED) * fills.size() / tiles.size());
      }
    }

    context.stage("compose");
    RgbaImage output = image.copy();
    for (int i = 0; i < tiles.size(); i++) {
      context.checkCancelled();
      ModelTile tile = tiles.get(i);
      Resampler.Raster back = tile.backToBox(fills.get(i));
      ModelFillComposite.paste(
          output, fillMask, plan, new ModelFillComposite.PlacedFill(i, tile.box(), back));
    }
    context.progress(1.0);
    return new EngineResult(Map.of("image", output));
  }

  /**
   * The params model engines read, with the schema's defaults. {@code seed} is accepted and ignored
   * (the models are deterministic), as are {@code patch_size} and {@code prompt}.
   */
  record FillSettings(int grow, int feather) {

    static FillSettings from(Params params) throws EngineException {
      int grow = params.getInt("grow", 0);
      int feather = params.getInt("feather", 0);
      if (grow < 0 || feather < 0) {
        throw new EngineException(
            EngineException.Kind.INVALID_INPUT,
            "grow and feather must not be negative",
            Map.of("grow", grow, "feather", feather));
      }
      return new FillSettings(grow, feather);
    }
  }
}
