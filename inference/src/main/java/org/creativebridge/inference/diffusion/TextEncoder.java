package org.creativebridge.inference.diffusion;

import static org.creativebridge.inference.runtime.ModelContract.TensorType.of;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.EngineException;
import org.creativebridge.inference.JobContext;
import org.creativebridge.inference.runtime.ElementType;
import org.creativebridge.inference.runtime.ModelContract;
import org.creativebridge.inference.runtime.ModelFile;
import org.creativebridge.inference.runtime.SessionCache;

/**
 * The CLIP text encoder of Stable Diffusion 1.x ({@code text_encoder/model.onnx} in diffusers'
 * ONNX layout): {@code input_ids} int32 or int64 {@code [1, 77]} (the export's own type, read from
 * the session) to {@code last_hidden_state} float32 {@code [1, 77, 768]}.
 *
 * <p>Each prompt runs on its own (batch 1), so exports fixed at batch 1 work as well as dynamic
 * ones; {@link #encode(List, JobContext)} concatenates the results in order, which is how the
 * pipelines build the {@code [uncond, cond]} batch classifier-free guidance needs.
 *
 * <p>Owns a lease on its session: close it when the job is done with the encoder. Thread-safe
 * (ORT sessions run concurrently); the instance holds nothing but the lease.
 */
public final class TextEncoder implements AutoCloseable {

  /** The hidden size of SD 1.x's CLIP ViT-L/14 text model. */
  public static final int HIDDEN_SIZE = 768;

  /** Values of one prompt's embedding: 77 tokens of {@value #HIDDEN_SIZE}. */
  public static final int EMBEDDING_SIZE = ClipTokenizer.CONTEXT_LENGTH * HIDDEN_SIZE;

  private static final int TOKENS = ClipTokenizer.CONTEXT_LENGTH;

  /** What {@code text_encoder/model.onnx} must declare. */
  public static final ModelContract CONTRACT =
      ModelContract.builder("sd15 text_encoder")
          .input("input_ids", of(ElementType.INT32, 1, TOKENS), of(ElementType.INT64, 1, TOKENS))
          .output("last_hidden_state", of(ElementType.FLOAT32, 1, TOKENS, HIDDEN_SIZE))
          // diffusers' export also returns the pooled embedding, which SD 1.x does not use.
          .optionalOutput("pooler_output", of(ElementType.FLOAT32, -1, HIDDEN_SIZE))
          .build();

  private static final long[] IDS_SHAPE = {1, TOKENS};
  private static final long[] HIDDEN_SHAPE = {1, TOKENS, HIDDEN_SIZE};
  private static final String STAGE = "text encoder";

  private final SessionCache.Lease lease;
  private final ElementType idType;

  private TextEncoder(SessionCache.Lease lease) {
    this.lease = lease;
    this.idType = lease.fit().input("input_ids").type();
  }

  /**
   * Leases the session for {@code model} and checks it against {@link #CONTRACT}.
   *
   * @throws EngineException {@code MODEL_UNAVAILABLE} when it cannot load or does not fit
   */
  public static TextEncoder open(SessionCache sessions, ModelFile model) throws EngineException {
    return new TextEncoder(sessions.lease(model, CONTRACT));
  }

  /** The token id type the export takes: {@code int32} or {@code int64}. */
  public ElementType idType() {
    return idType;
  }

  /**
   * Embeds one prompt's token ids ({@value ClipTokenizer#CONTEXT_LENGTH} of them, as {@link
   * ClipTokenizer#encode} gives).
   *
   * @return {@link #EMBEDDING_SIZE} values, token-major
   */
  public float[] encode(int[] tokenIds, JobContext context)
      throws EngineException, CancelledException {
    if (tokenIds.length != TOKENS) {
      throw new IllegalArgumentException("expected " + TOKENS + " token ids, got " + tokenIds.length);
    }
    try (OnnxTensor ids = idTensor(tokenIds);
        OrtSession.Result result = lease.run(Map.of("input_ids", ids), context)) {
      return StageTensors.readFloats(result, "last_hidden_state", HIDDEN_SHAPE, STAGE);
    } catch (OrtException e) {
      throw StageTensors.tensorFailure(STAGE, e);
    }
  }

  /**
   * Embeds several prompts and concatenates them in order: {@code [negative, positive]} gives the
   * {@code [uncond, cond]} batch for classifier-free guidance.
   *
   * @return {@code prompts.size() * EMBEDDING_SIZE} values
   */
  public float[] encode(List<int[]> prompts, JobContext context)
      throws EngineException, CancelledException {
    float[] all = new float[prompts.size() * EMBEDDING_SIZE];
    for (int i = 0; i < prompts.size(); i++) {
      float[] one = encode(prompts.get(i), context);
      System.arraycopy(one, 0, all, i * EMBEDDING_SIZE, EMBEDDING_SIZE);
    }
    return all;
  }

  private OnnxTensor idTensor(int[] tokenIds) throws OrtException {
    if (idType == ElementType.INT32) {
      return OnnxTensor.createTensor(StageTensors.environment(), IntBuffer.wrap(tokenIds), IDS_SHAPE);
    }
    long[] wide = new long[tokenIds.length];
    for (int i = 0; i < wide.length; i++) {
      wide[i] = tokenIds[i];
    }
    return OnnxTensor.createTensor(StageTensors.environment(), LongBuffer.wrap(wide), IDS_SHAPE);
  }

  /** Ends the lease; the session stays cached for the next job. */
  @Override
  public void close() {
    lease.close();
  }
}
