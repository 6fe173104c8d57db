package org.creativebridge.inference.image.inpaint;

import org.creativebridge.inference.CancelledException;
import org.creativebridge.inference.JobContext;

/**
 * Maps completed fill work onto the job's progress between {@code start} and {@code end}, and is
 * the point where the fill checks for cancellation, once per EM iteration.
 */
final class FillProgress {
  private final JobContext context;
  private final double start;
  private final double end;
  private final double totalWork;
  private double doneWork;

  /** {@code totalWork} is in the same units the fill later reports through {@link #advance}. */
  FillProgress(JobContext context, ProgressSpan span, double totalWork) {
    this.context = context;
    this.start = span.start();
    this.end = span.end();
    this.totalWork = Math.max(totalWork, 1e-9);
  }

  /** Part of the whole job's progress, as fractions in 0..1. */
  record ProgressSpan(double start, double end) {}

  void checkCancelled() throws CancelledException {
    context.checkCancelled();
  }

  void advance(double work) {
    doneWork += work;
    context.progress(start + (end - start) * Math.min(1.0, doneWork / totalWork));
  }
}
