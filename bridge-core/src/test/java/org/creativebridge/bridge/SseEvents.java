package org.creativebridge.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.creativebridge.protocol.ProtocolJson;

/** Reads a whole SSE stream (it ends after the job's terminal event) into events. */
final class SseEvents {
  record Event(String type, String id, JsonNode data) {}

  private SseEvents() {}

  static List<Event> readAll(LiveDaemon bridge, String jobId) {
    try {
      HttpResponse<Stream<String>> response =
          bridge.http.send(
              bridge.request("/v1/jobs/" + jobId + "/events").header("Accept", "text/event-stream").GET().build(),
              HttpResponse.BodyHandlers.ofLines());
      if (response.statusCode() != 200) {
        throw new AssertionError("events: HTTP " + response.statusCode());
      }
      if (!response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
        throw new AssertionError("events: not an event stream: " + response.headers());
      }
      List<Event> events = new ArrayList<>();
      String type = null;
      String id = null;
      StringBuilder data = new StringBuilder();
      try (Stream<String> lines = response.body()) {
        for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
          String line = it.next();
          if (line.isEmpty()) {
            if (data.length() > 0) {
              events.add(new Event(type, id, ProtocolJson.mapper().readTree(data.toString())));
            }
            type = null;
            id = null;
            data.setLength(0);
          } else if (line.startsWith("event:")) {
            type = line.substring(6).trim();
          } else if (line.startsWith("id:")) {
            id = line.substring(3).trim();
          } else if (line.startsWith("data:")) {
            if (data.length() > 0) {
              data.append('\n');
            }
            data.append(line.substring(5).trim());
          }
        }
      }
      return events;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
