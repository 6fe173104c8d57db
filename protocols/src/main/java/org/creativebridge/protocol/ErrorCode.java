package org.creativebridge.protocol;

/**
 * The one catalogue of stable error codes. A code never changes meaning once released; the OpenAPI
 * document lists the same codes (a test keeps the two in step).
 */
public enum ErrorCode {
  UNAUTHORIZED("BRIDGE-1001", 401, "Missing or wrong bearer token."),
  MISDIRECTED_HOST("BRIDGE-1002", 421, "The Host header is not a loopback name."),
  FORBIDDEN_ORIGIN("BRIDGE-1003", 403, "The request's Origin is not in the allowlist."),
  NOT_FOUND("BRIDGE-1004", 404, "No such endpoint."),
  METHOD_NOT_ALLOWED("BRIDGE-1005", 405, "The endpoint does not take this method."),
  REQUEST_TOO_LARGE("BRIDGE-1006", 413, "The JSON body is over the size limit."),
  MALFORMED_JSON("BRIDGE-1007", 400, "The body is not valid JSON."),
  INVALID_REQUEST("BRIDGE-1008", 400, "The request does not match its schema."),
  UNSUPPORTED_MEDIA_TYPE("BRIDGE-1009", 415, "The Content-Type is not one the endpoint takes."),

  BLOB_NOT_FOUND("BRIDGE-2001", 404, "No blob with that id."),
  BLOB_TOO_LARGE("BRIDGE-2002", 413, "The blob is over the size limit."),
  BLOB_STORE_FULL("BRIDGE-2003", 507, "The blob store is full of blobs that jobs still reference."),
  INVALID_BLOB_ID("BRIDGE-2004", 400, "A blob id must be sha256:<64 hex digits>."),

  UNKNOWN_TASK("BRIDGE-3001", 400, "No such task."),
  UNKNOWN_ENGINE("BRIDGE-3002", 400, "No such engine for this task."),
  MISSING_INPUT("BRIDGE-3003", 400, "A required input is missing."),
  UNKNOWN_INPUT("BRIDGE-3004", 400, "The task takes no input of that name."),
  INVALID_PARAM("BRIDGE-3005", 400, "A parameter is unknown, of the wrong type or out of range."),
  IMAGE_UNREADABLE("BRIDGE-3006", 400, "An input image is corrupt, truncated or of an unsupported type."),
  IMAGE_TOO_LARGE("BRIDGE-3007", 413, "An input image's dimensions are over the limit."),
  RAW_SIZE_MISMATCH("BRIDGE-3008", 400, "A raw image's byte count does not match its declared size."),
  INPUT_SIZE_MISMATCH("BRIDGE-3009", 400, "Inputs that must be the same size are not."),
  JOB_NOT_FOUND("BRIDGE-3010", 404, "No job with that id."),
  DUPLICATE_JOB_ID("BRIDGE-3011", 409, "A job with that id already exists."),
  ENGINE_NOT_READY("BRIDGE-3012", 409, "The engine's model is not installed or cannot load."),
  QUEUE_FULL("BRIDGE-3013", 503, "Too many jobs are waiting; try again later."),
  AUDIO_UNREADABLE("BRIDGE-3014", 400, "An input audio is corrupt, truncated, empty or of an unsupported type."),
  AUDIO_TOO_LONG("BRIDGE-3015", 413, "An input audio is longer than the limit."),

  JOB_INTERRUPTED("BRIDGE-4001", 500, "The daemon stopped while the job was running."),
  ENGINE_FAILED("BRIDGE-4002", 500, "The engine failed while running the job."),
  OUT_OF_MEMORY("BRIDGE-4003", 507, "Not enough memory to run the job."),

  INTERNAL("BRIDGE-5000", 500, "An unexpected error inside the daemon."),

  MODEL_NOT_FOUND("BRIDGE-6001", 404, "No installed or catalogued model with that id."),
  MODEL_INVALID("BRIDGE-6002", 400, "The model file is unsafe, unreadable or fits no supported family."),
  MODEL_VERIFY_FAILED("BRIDGE-6003", 409, "An installed model's files moved, changed or went missing."),
  LICENCE_NOT_ACCEPTED("BRIDGE-6004", 409, "The model's licence restricts use and has not been accepted."),
  DOWNLOAD_FAILED("BRIDGE-6005", 502, "A model download failed or did not verify."),
  NETWORK_DISABLED("BRIDGE-6006", 403, "Downloads are disabled by configuration or --offline."),
  MODEL_ALREADY_INSTALLED("BRIDGE-6007", 409, "A model with that id is already installed.");

  private final String code;
  private final int httpStatus;
  private final String summary;

  ErrorCode(String code, int httpStatus, String summary) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.summary = summary;
  }

  /** The stable wire id, {@code BRIDGE-xxxx}. */
  public String code() {
    return code;
  }

  /** The HTTP status this error is sent with when it answers a request. */
  public int httpStatus() {
    return httpStatus;
  }

  /** One sentence a user can read. */
  public String summary() {
    return summary;
  }

  public static ErrorCode fromCode(String code) {
    for (ErrorCode value : values()) {
      if (value.code.equals(code)) {
        return value;
      }
    }
    throw new IllegalArgumentException("unknown error code: " + code);
  }
}
