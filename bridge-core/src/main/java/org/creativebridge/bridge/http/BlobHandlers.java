package org.creativebridge.bridge.http;

import io.undertow.io.IoCallback;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.creativebridge.bridge.BridgeException;
import org.creativebridge.bridge.blobs.BlobStore;
import org.creativebridge.protocol.ErrorCode;

/** {@code PUT /v1/blobs} and {@code GET|HEAD /v1/blobs/{id}}. */
final class BlobHandlers {
  private final BlobStore store;

  BlobHandlers(BlobStore store) {
    this.store = store;
  }

  /** Streams the body into the store (hashing as it goes); runs on a worker thread. */
  HttpHandler put() {
    return exchange -> {
      String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
      if (type == null || type.isBlank()) {
        throw new BridgeException(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE, "a blob upload needs a Content-Type", Map.of());
      }
      // Undertow 2.3 caps request bodies at 2 MiB by default (UndertowOptions.MAX_ENTITY_SIZE) and
      // would cut a larger upload off with an internal error. The store enforces its own limit
      // (413 BRIDGE-2002), so Undertow's is switched off (0 = unlimited) for this route only.
      exchange.setMaxEntitySize(0);
      BlobStore.PutResult result =
          store.put(exchange.getInputStream(), exchange.getRequestContentLength(), type.trim());
      Responses.json(exchange, result.created() ? 201 : 200, result.info());
    };
  }

  /** Sends the file with zero-copy transfer where the platform offers it. */
  HttpHandler get() {
    return exchange -> {
      String id = exchange.getQueryParameters().get("id").getFirst();
      BlobStore.StoredBlob blob = store.require(id);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, blob.info().type());
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, blob.info().size());
      // Content never changes under an id, so clients may cache it for good.
      exchange.getResponseHeaders().put(Headers.ETAG, "\"" + id + "\"");
      exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "private, max-age=31536000, immutable");
      if (Methods.HEAD.equals(exchange.getRequestMethod())) {
        exchange.endExchange();
        return;
      }
      store.touch(id);
      FileChannel channel = FileChannel.open(blob.file(), StandardOpenOption.READ);
      exchange.getResponseSender().transferFrom(channel, new ClosingCallback(channel));
    };
  }

  private static final class ClosingCallback implements IoCallback {
    private final FileChannel channel;

    ClosingCallback(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public void onComplete(HttpServerExchange exchange, io.undertow.io.Sender sender) {
      closeQuietly();
      IoCallback.END_EXCHANGE.onComplete(exchange, sender);
    }

    @Override
    public void onException(HttpServerExchange exchange, io.undertow.io.Sender sender, java.io.IOException e) {
      closeQuietly();
      IoCallback.END_EXCHANGE.onException(exchange, sender, e);
    }

    private void closeQuietly() {
      try {
        channel.close();
      } catch (java.io.IOException ignored) {
        // A read-only channel has nothing to flush; there is nothing to report.
      }
    }
  }
}
