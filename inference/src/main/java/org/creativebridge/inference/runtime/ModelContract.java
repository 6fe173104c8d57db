package org.creativebridge.inference.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.creativebridge.inference.EngineException;

/**
 * What an engine family expects of its model file: every input and output by name, element type
 * and shape. Checked once when a session loads, so a file that does not fit is refused with a
 * message naming the mismatch instead of failing deep inside the first job.
 *
 * <p>Shape dims are fixed sizes or {@code -1}. On an <em>input</em>, {@code -1} means the engine
 * feeds varying sizes, so the model must declare that dim dynamic too; on an <em>output</em> it
 * means the engine reads whatever size comes back. A dynamic dim in the model fits any fixed dim in
 * the contract (the model accepts or produces that size). A tensor may list alternatives (e.g. a
 * timestep that is {@code int64 [1]} or {@code float32 [1]}); {@link Fit} tells which one the model
 * has. An input may be optional (e.g. Piper's {@code sid}, present only in multi-speaker voices): a
 * model without it still fits, and {@link Fit#hasInput} tells whether to feed it.
 *
 * <p>Immutable; thread-safe. {@link Builder} is not thread-safe.
 *
 * @param family the engine family, used in messages (e.g. {@code lama})
 */
public record ModelContract(String family, List<Tensor> inputs, List<Tensor> outputs) {

  public ModelContract {
    Objects.requireNonNull(family, "family");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    requireUniqueNames("input", inputs);
    requireUniqueNames("output", outputs);
  }

  public static Builder builder(String family) {
    return new Builder(family);
  }

  /**
   * Reads the session's inputs and outputs and checks them against this contract.
   *
   * @return the model's own types for every contracted tensor
   * @throws EngineException {@link EngineException.Kind#MODEL_UNAVAILABLE} naming every mismatch
   */
  public Fit check(OrtSession session) throws EngineException {
    return check(session, "model");
  }

  /**
   * Every way {@code model} differs from this contract, one readable line each (as {@link
   * #check(OrtSession)} reports them); empty when it fits. For callers that hold a signature but
   * no session, e.g. family detection comparing one model against every family.
   */
  public List<String> mismatches(Signature model) {
    return mismatches(model.inputs(), model.outputs());
  }

  /** As {@link #check(OrtSession)}, with {@code modelName} leading the message. */
  Fit check(OrtSession session, String modelName) throws EngineException {
    Map<String, TensorType> modelInputs;
    Map<String, TensorType> modelOutputs;
    try {
      modelInputs = describe(session.getInputInfo());
      modelOutputs = describe(session.getOutputInfo());
    } catch (OrtException e) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          modelName + " cannot describe its inputs and outputs: " + e.getMessage(),
          Map.of("family", family),
          e);
    }
    List<String> mismatches = mismatches(modelInputs, modelOutputs);
    if (!mismatches.isEmpty()) {
      throw new EngineException(
          EngineException.Kind.MODEL_UNAVAILABLE,
          modelName + " does not fit the " + family + " contract: " + String.join("; ", mismatches),
          Map.of("family", family, "mismatches", mismatches));
    }
    return new Fit(pick(inputs, modelInputs), pick(outputs, modelOutputs));
  }

  /**
   * Every way the model's tensors differ from this contract, one readable line each, inputs before
   * outputs, in contract order then model order. Empty when the model fits.
   */
  List<String> mismatches(Map<String, TensorType> modelInputs, Map<String, TensorType> modelOutputs) {
    List<String> found = new ArrayList<>();
    compare("input", inputs, modelInputs, found);
    compare("output", outputs, modelOutputs, found);
    return found;
  }

  private static void compare(
      String role, List<Tensor> expected, Map<String, TensorType> actual, List<String> found) {
    Set<String> unexpected = new LinkedHashSet<>(actual.keySet());
    for (Tensor tensor : expected) {
      unexpected.remove(tensor.name());
      TensorType has = actual.get(tensor.name());
      if (has == null) {
        if (!tensor.optional()) {
          found.add("missing " + role + " '" + tensor.name() + "'");
        }
      } else if (tensor.accepted().stream().noneMatch(want -> want.fits(has, role.equals("input")))) {
        found.add(
            role
                + " '"
                + tensor.name()
                + "': expected "
                + tensor.accepted().stream().map(TensorType::toString).collect(Collectors.joining(" or "))
                + ", model has "
                + has);
      }
    }
    for (String name : unexpected) {
      found.add("unexpected " + role + " '" + name + "'");
    }
  }

  private static Map<String, TensorType> describe(Map<String, NodeInfo> infos) {
    Map<String, TensorType> described = new LinkedHashMap<>();
    for (Map.Entry<String, NodeInfo> entry : infos.entrySet()) {
      described.put(entry.getKey(), TensorType.of(entry.getValue().getInfo()));
    }
    return described;
  }

  private static Map<String, TensorType> pick(List<Tensor> tensors, Map<String, TensorType> actual) {
    Map<String, TensorType> picked = new LinkedHashMap<>();
    for (Tensor tensor : tensors) {
      TensorType has = actual.get(tensor.name());
      if (has != null) { // absent only for an optional tensor the model does without
        picked.put(tensor.name(), has);
      }
    }
    return picked;
  }

  private static void requireUniqueNames(String role, List<Tensor> tensors) {
    Set<String> seen = new LinkedHashSet<>();
    for (Tensor tensor : tensors) {
      if (!seen.add(tensor.name())) {
        throw new IllegalArgumentException("duplicate " + role + " '" + tensor.name() + "'");
      }
    }
  }

  /**
   * One contracted tensor and the type/shape combinations the engine can work with.
   *
   * <p>Immutable; thread-safe.
   *
   * @param optional whether a model may lack this tensor
   */
  public record Tensor(String name, List<TensorType> accepted, boolean optional) {
    public Tensor {
      Objects.requireNonNull(name, "name");
      accepted = List.copyOf(accepted);
      if (accepted.isEmpty()) {
        throw new IllegalArgumentException("tensor '" + name + "' accepts nothing");
      }
    }

    /** A required tensor. */
    public Tensor(String name, List<TensorType> accepted) {
      this(name, accepted, false);
    }
  }

  /**
   * A model's inputs and outputs by name, in the model's order, as read from a session.
   *
   * <p>Immutable; thread-safe.
   */
  public record Signature(Map<String, TensorType> inputs, Map<String, TensorType> outputs) {
    public Signature {
      // Copied in order: messages and positional matching follow the model's own order.
      inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
      outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /**
     * Reads {@code session}'s inputs and outputs.
     *
     * @throws EngineException {@code MODEL_UNAVAILABLE} when ORT cannot describe them
     */
    public static Signature of(OrtSession session) throws EngineException {
      try {
        return new Signature(describe(session.getInputInfo()), describe(session.getOutputInfo()));
      } catch (OrtException e) {
        throw new EngineException(
            EngineException.Kind.MODEL_UNAVAILABLE,
            "model cannot describe its inputs and outputs: " + e.getMessage(),
            Map.of(),
            e);
      }
    }

    /** Renders as {@code inputs image uint8 [1,3,-1,-1], mask ...; outputs result ...}. */
    @Override
    public String toString() {
      return "inputs " + list(inputs) + "; outputs " + list(outputs);
    }

    private static String list(Map<String, TensorType> tensors) {
      if (tensors.isEmpty()) {
        return "(none)";
      }
      return tensors.entrySet().stream()
          .map(entry -> entry.getKey() + " " + entry.getValue())
          .collect(Collectors.joining(", "));
    }
  }

  /**
   * An element type and a shape ({@code -1} for a dynamic dim). Renders as {@code float32
   * [1,3,-1,-1]}, the form error messages use.
   *
   * <p>Immutable; thread-safe.
   *
   * @param shape dims; empty for a scalar
   */
  public record TensorType(ElementType type, List<Long> shape) {
    public TensorType {
      Objects.requireNonNull(type, "type");
      shape = List.copyOf(shape);
      for (long dim : shape) {
        if (dim < -1) {
          throw new IllegalArgumentException("dims are sizes or -1 (dynamic), got " + dim);
        }
      }
    }

    public static TensorType of(ElementType type, long... shape) {
      return new TensorType(type, Arrays.stream(shape).boxed().collect(Collectors.toList()));
    }

    /** The type ORT reports; non-tensor values (sequences, maps) become {@link #NOT_A_TENSOR}. */
    static TensorType of(ValueInfo info) {
      if (!(info instanceof TensorInfo)) {
        return NOT_A_TENSOR;
      }
      TensorInfo tensor = (TensorInfo) info;
      long[] dims = tensor.getShape();
      // ORT reports symbolic and unknown dims as -1 already; anything negative is "dynamic" to us.
      for (int i = 0; i < dims.length; i++) {
        dims[i] = dims[i] < 0 ? -1 : dims[i];
      }
      return of(ElementType.of(tensor.onnxType), dims);
    }

    /** Stands for a sequence or map value, which no contract accepts. */
    static final TensorType NOT_A_TENSOR = new TensorType(ElementType.OTHER, List.of());

    /** Whether a model tensor of type {@code model} satisfies this expectation. */
    boolean fits(TensorType model, boolean isInput) {
      if (model == NOT_A_TENSOR || type != model.type || shape.size() != model.shape.size()) {
        return false;
      }
      for (int i = 0; i < shape.size(); i++) {
        long want = shape.get(i);
        long has = model.shape.get(i);
        if (has == -1) {
          continue; // the model takes or gives any size, including ours
        }
        if (want == -1 ? isInput : want != has) {
          // An engine that feeds varying sizes cannot use a model fixed to one size.
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      if (this == NOT_A_TENSOR) {
        return "a non-tensor value";
      }
      return type.wireName()
          + " "
          + shape.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }
  }

  /**
   * What the model actually declares for each contracted tensor, e.g. which alternative it took.
   *
   * <p>Immutable; thread-safe.
   */
  public record Fit(Map<String, TensorType> inputs, Map<String, TensorType> outputs) {
    public Fit {
      inputs = Map.copyOf(inputs);
      outputs = Map.copyOf(outputs);
    }

    /** Whether the model has contracted input {@code name}; false for an optional one it lacks. */
    public boolean hasInput(String name) {
      return inputs.containsKey(name);
    }

    /** Whether the model has contracted output {@code name}; false for an optional one it lacks. */
    public boolean hasOutput(String name) {
      return outputs.containsKey(name);
    }

    /** The model's type for contracted input {@code name}. */
    public TensorType input(String name) {
      return require(inputs, "input", name);
    }

    /** The model's type for contracted output {@code name}. */
    public TensorType output(String name) {
      return require(outputs, "output", name);
    }

    private static TensorType require(Map<String, TensorType> types, String role, String name) {
      TensorType type = types.get(name);
      if (type == null) {
        throw new IllegalArgumentException("no contracted " + role + " '" + name + "'");
      }
      return type;
    }
  }

  /**
   * Collects tensors in declaration order.
   *
   * <pre>{@code
   * ModelContract.builder("lama")
   *     .input("image", ElementType.FLOAT32, 1, 3, -1, -1)
   *     .input("mask", ElementType.FLOAT32, 1, 1, -1, -1)
   *     .output("output", ElementType.FLOAT32, 1, 3, -1, -1)
   *     .build();
   * }</pre>
   *
   * <p>Not thread-safe; build on one thread.
   */
  public static final class Builder {
    private final String family;
    private final List<Tensor> inputs = new ArrayList<>();
    private final List<Tensor> outputs = new ArrayList<>();

    private Builder(String family) {
      this.family = family;
    }

    public Builder input(String name, ElementType type, long... shape) {
      inputs.add(new Tensor(name, List.of(TensorType.of(type, shape))));
      return this;
    }

    /** An input the model may lack, e.g. a speaker id only multi-speaker voices take. */
    public Builder optionalInput(String name, ElementType type, long... shape) {
      inputs.add(new Tensor(name, List.of(TensorType.of(type, shape)), true));
      return this;
    }

    /** An input the engine can feed in several forms, e.g. a timestep as int64 or float32. */
    public Builder input(String name, TensorType first, TensorType... alternatives) {
      inputs.add(new Tensor(name, list(first, alternatives)));
      return this;
    }

    public Builder output(String name, ElementType type, long... shape) {
      outputs.add(new Tensor(name, List.of(TensorType.of(type, shape))));
      return this;
    }

    /** An output the model may lack, e.g. a CLIP text encoder's {@code pooler_output}. */
    public Builder optionalOutput(String name, TensorType first, TensorType... alternatives) {
      outputs.add(new Tensor(name, list(first, alternatives), true));
      return this;
    }

    /** An output the engine can read in several forms. */
    public Builder output(String name, TensorType first, TensorType... alternatives) {
      outputs.add(new Tensor(name, list(first, alternatives)));
      return this;
    }

    public ModelContract build() {
      return new ModelContract(family, inputs, outputs);
    }

    private static List<TensorType> list(TensorType first, TensorType... alternatives) {
      List<TensorType> all = new ArrayList<>();
      all.add(first);
      all.addAll(Arrays.asList(alternatives));
      return all;
    }
  }
}
