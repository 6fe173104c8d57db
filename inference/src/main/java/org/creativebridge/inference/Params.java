package org.creativebridge.inference;

import java.util.Map;
import java.util.Objects;

/**
 * Validated job params (the daemon checked them against the task's schema and applied defaults).
 * Immutable and thread-safe. A getter for an absent key returns the given fallback.
 */
public final class Params {
  private final Map<String, Object> values;

  public Params(Map<String, Object> values) {
    this.values = Map.copyOf(values);
  }

  public Map<String, Object> asMap() {
    return values;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public long getLong(String key, long fallback) {
    Object value = values.get(key);
    return value == null ? fallback : ((Number) value).longValue();
  }

  public int getInt(String key, int fallback) {
    Object value = values.get(key);
    return value == null ? fallback : Math.toIntExact(((Number) value).longValue());
  }

  public double getDouble(String key, double fallback) {
    Object value = values.get(key);
    return value == null ? fallback : ((Number) value).doubleValue();
  }

  public String getString(String key, String fallback) {
    Object value = values.get(key);
    return value == null ? fallback : value.toString();
  }

  public boolean getBoolean(String key, boolean fallback) {
    Object value = values.get(key);
    return value == null ? fallback : (Boolean) value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Params other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(values);
  }

  @Override
  public String toString() {
    return "Params" + values;
  }
}
