package org.creativebridge.bridge.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventConnectionCallback;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.jobs.JobService;
import org.creativebridge.protocol.ErrorCode;
import org.creativebridge.protocol.JobEvent;
import org.creativebridge.protocol.JobRequest;
import org.creativebridge.protocol.JobStatus;
import org.creativebridge.protocol.ProtocolJson;

/** {@code /v1/jobs}: submit, list, get, cancel, and the event stream. */
final class JobHandlers {
  private static final int DEFAULT_LIST_LIMIT = 100;
  private static final int MAX_LIST_LIMIT = 1000;
  private static final long KEEP_ALIVE_MILLIS = 15_000;

  private final JobService jobs;
  private final long maxJsonBytes;

  /** The list answer: {@code {"jobs": [...]}}. */
  record JobList(List<org.creativebridge.protocol.JobView> jobs) {}

  JobHandlers(JobService jobs, long maxJsonBytes) {
    this.jobs = jobs;
    this.maxJsonBytes = maxJsonBytes;
  }

  HttpHandler submit() {
    return exchange -> {
      JobRequest request = JsonBody.read(exchange, maxJsonBytes, JobRequest.class);
      Responses.json(exchange, 202, jobs.submit(request));
    };
  }

  HttpHandler get() {
    return exchange -> Responses.json(exchange, 200, jobs.get(pathId(exchange)));
  }

  HttpHandler cancel() {
    return exchange -> Responses.json(exchange, 200, jobs.cancel(pathId(exchange)));
  }

  HttpHandler list() {
    return exchange -> {
      Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
      Deque<String> status = exchange.getQueryParameters().get("status");
      if (status != null) {
        for (String value : status) {
          for (String name : value.split(",")) {
            statuses.add(parseStatus(name.trim()));
          }
        }
      }
      int limit = DEFAULT_LIST_LIMIT;
      Deque<String> limitParam = exchange.getQueryParameters().get("limit");
      if (limitParam != null) {
        try {
          limit = Integer.parseInt(limitParam.getFirst());
        } catch (NumberFormatException e) {
          limit = -1;
        }
        if (limit < 1 || limit > MAX_LIST_LIMIT) {
          throw new BridgeException(
              ErrorCode.INVALID_REQUEST,
              "limit must be 1.." + MAX_LIST_LIMIT,
              Map.of("limit", limitParam.getFirst()));
        }
      }
      Responses.json(exchange, 200, new JobList(jobs.list(statuses, limit)));
    };
  }

  private static JobStatus parseStatus(String name) {
    try {
      return JobStatus.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BridgeException(
          ErrorCode.INVALID_REQUEST,
          "unknown status '" + name + "'",
          Map.of("status", name, "known", List.of("queued", "running", "succeeded", "failed", "cancelled")));
    }
  }

  /**
   * The SSE stream. The job is looked up before the stream opens, so an unknown id is a plain 404;
   * then its events so far and the live ones go out non-blocking, and the stream ends after the
   * terminal event.
   */
  HttpHandler events() {
    ServerSentEventHandler sse = new ServerSentEventHandler(new EventStream());
    return exchange -> {
      jobs.get(pathId(exchange));
      sse.handleRequest(exchange);
    };
  }

  private final class EventStream implements ServerSentEventConnectionCallback {
    @Override
    public void connected(ServerSentEventConnection connection, String lastEventId) {
      // A comment line now and then keeps proxies and idle timeouts from closing a quiet stream.
      connection.setKeepAliveTime(KEEP_ALIVE_MILLIS);
      String id = connection.getQueryParameters().get("id").getFirst();
      AtomicLong sequence = new AtomicLong();
      Runnable unsubscribe =
          jobs.subscribe(
              id,
              event -> {
                String data;
                try {
                  data = ProtocolJson.mapper().writeValueAsString(event);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                connection.send(
                    data,
                    event.type(),
                    Long.toString(sequence.incrementAndGet()),
                    event.isTerminal() ? new ShutdownAfterSend() : null);
              });
      connection.addCloseTask(closed -> unsubscribe.run());
    }
  }

  private static final class ShutdownAfterSend implements ServerSentEventConnection.EventCallback {
    @Override
    public void done(ServerSentEventConnection connection, String data, String event, String id) {
      connection.shutdown();
    }

    @Override
    public void failed(
        ServerSentEventConnection connection, String data, String event, String id, java.io.IOException e) {
      connection.shutdown();
    }
  }

  private static String pathId(HttpServerExchange exchange) {
    return exchange.getQueryParameters().get("id").getFirst();
  }
}
