package org.creativebridge.inference;

/** The job was cancelled; the engine stopped at a step boundary. */
public final class CancelledException extends Exception {
  private static final long serialVersionUID = 1L;

  public CancelledException() {
    super("cancelled");
  }
}
