/**
 * The ONNX Runtime layer every model engine stands on.
 *
 * <p>One {@link org.creativebridge.inference.runtime.OnnxRuntime} per daemon owns the ORT
 * environment and the execution-provider choice; its {@link
 * org.creativebridge.inference.runtime.SessionCache} hands out leased sessions keyed by model
 * sha256 under a memory budget; a {@link org.creativebridge.inference.runtime.ModelContract} refuses
 * model files that do not fit an engine family at load, before any job runs on them; and {@link
 * org.creativebridge.inference.runtime.SessionCache.Lease#run} runs a session so that cancelling
 * the job terminates the native run.
 *
 * <p>Engines follow the oracle/sd4j shape: one class per pipeline stage owning its lease, and
 * try-with-resources on every {@code OnnxTensor} and {@code OrtSession.Result}.
 */
package org.creativebridge.inference.runtime;
