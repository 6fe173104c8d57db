package org.creativebridge.inference.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The execution providers the daemon uses, in order of preference. ORT places every node a GPU
 * provider cannot run on its CPU provider, so choosing a GPU never loses operator coverage.
 *
 * <p>Immutable; thread-safe.
 */
enum Device {
  CUDA("cuda", OrtProvider.CUDA),
  DML("dml", OrtProvider.DIRECT_ML),
  COREML("coreml", OrtProvider.CORE_ML),
  CPU("cpu", OrtProvider.CPU);

  final String wireName;
  final OrtProvider provider;

  Device(String wireName, OrtProvider provider) {
    this.wireName = wireName;
    this.provider = provider;
  }

  /**
   * The first device, in declaration order, that this ORT build offers and that {@code usable}
   * accepts; CPU when none does or when {@code forceCpu}.
   *
   * @param usable probes a device beyond the build listing it (e.g. its provider library loads)
   */
  static Device choose(Set<OrtProvider> available, boolean forceCpu, Predicate<Device> usable) {
    if (!forceCpu) {
      for (Device device : values()) {
        if (device != CPU && available.contains(device.provider) && usable.test(device)) {
          return device;
        }
      }
    }
    return CPU;
  }

  /** Appends this device's provider to {@code options}; CPU needs nothing (ORT always has it). */
  void addTo(SessionOptions options) throws OrtException {
    switch (this) {
      case CUDA:
        options.addCUDA(0);
        break;
      case DML:
        // DirectML cannot use memory patterns nor run nodes in parallel (ORT's DML EP docs).
        options.setMemoryPatternOptimization(false);
        options.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
        options.addDirectML(0);
        break;
      case COREML:
        options.addCoreML();
        break;
      case CPU:
      default:
        break;
    }
  }
}
