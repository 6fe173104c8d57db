package org.creativebridge.bridge.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small HTTP/1.1 client over one keep-alive socket, for benchmarks: no pooling, no
 * extra threads, no copies beyond the socket's. Not thread-safe: one instance per client thread.
 */
final class RawHttp implements AutoCloseable {
  private final int port;
  private final String token;
  private final Socket socket;
  private final BufferedInputStream in;
  private final OutputStream out;

  /** A complete response; {@code headers} have lower-case names. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  RawHttp(int port, String token) throws IOException {
    this.port = port;
    this.token = token;
    this.socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setReceiveBufferSize(4 << 20);
    socket.setSendBufferSize(4 << 20);
    socket.connect(new InetSocketAddress("127.0.0.1", port));
    this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
  }

  Response request(String method, String path, String contentType, byte[] body) throws IOException {
    sendHead(method, path, contentType, body == null ? -1 : body.length);
    if (body != null) {
      out.write(body);
    }
    out.flush();
    return readResponse(method);
  }

  /** GET whose body (Content-Length framed) lands in {@code target}; returns the status. */
  int getInto(String path, byte[] target) throws IOException {
    sendHead("GET", path, null, -1);
    out.flush();
    Map<String, String> headers = new LinkedHashMap<>();
    int status = readHead(headers);
    String length = headers.get("content-length");
    if (length == null) {
      throw new IOException("expected a Content-Length on GET " + path + ", got " + headers);
    }
    long n = Long.parseLong(length);
    if (n != target.length) {
      // Wrong size: read it anyway so the connection stays usable, then report.
      readBody(headers, "GET");
      throw new IOException("GET " + path + " returned " + n + " bytes, expected " + target.length);
    }
    readFully(target, target.length);
    return status;
  }

  /** Sends a GET and returns the response body as a stream (for SSE); the connection is then spent. */
  InputStream openStream(String path, Map<String, String> headersOut) throws IOException {
    sendHead("GET", path, null, -1);
    out.flush();
    int status = readHead(headersOut);
    headersOut.put(":status", Integer.toString(status));
    if ("chunked".equalsIgnoreCase(headersOut.get("transfer-encoding"))) {
      return new ChunkedStream(in);
    }
    return in;
  }

  private void sendHead(String method, String path, String contentType, long length) throws IOException {
    StringBuilder head = new StringBuilder(256);
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1:").append(port).append("\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (length >= 0) {
      head.append("Content-Length: ").append(length).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private Response readResponse(String method) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    int status = readHead(headers);
    byte[] body = readBody(headers, method);
    return new Response(status, headers, body);
  }

  private int readHead(Map<String, String> headers) throws IOException {
    String statusLine = readLine();
    while (statusLine.isEmpty()) {
      statusLine = readLine();
    }
    // HTTP/1.1 200 OK
    int status = Integer.parseInt(statusLine.substring(9, 12));
    while (true) {
      String line = readLine();
      if (line.isEmpty()) {
        return status;
      }
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
  }

  private byte[] readBody(Map<String, String> headers, String method) throws IOException {
    if ("HEAD".equals(method)) {
      return new byte[0];
    }
    String length = headers.get("content-length");
    if (length != null) {
      byte[] body = new byte[Math.toIntExact(Long.parseLong(length))];
      readFully(body, body.length);
      return body;
    }
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      return new ChunkedStream(in).readAllBytes();
    }
    return in.readAllBytes();
  }

  private void readFully(byte[] target, int n) throws IOException {
    int done = 0;
    while (done < n) {
      int r = in.read(target, done, n - done);
      if (r < 0) {
        throw new EOFException("connection closed after " + done + " of " + n + " bytes");
      }
      done += r;
    }
  }

  private String readLine() throws IOException {
    return readLine(in);
  }

  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() == 0) {
          throw new EOFException("connection closed");
        }
        break;
      }
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  /** Decodes a chunked body. */
  private static final class ChunkedStream extends InputStream {
    private final InputStream in;
    private long remaining;
    private boolean done;

    ChunkedStream(InputStream in) {
      this.in = in;
    }

    private boolean advance() throws IOException {
      if (done) {
        return false;
      }
      if (remaining == 0) {
        String size = readLine(in);
        while (size.isEmpty()) {
          size = readLine(in);
        }
        int semicolon = size.indexOf(';');
        remaining = Long.parseLong(semicolon < 0 ? size.trim() : size.substring(0, semicolon).trim(), 16);
        if (remaining == 0) {
          // trailers up to the blank line
          while (!readLine(in).isEmpty()) {
            // skip
          }
          done = true;
          return false;
        }
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      if (!advance()) {
        return -1;
      }
      int b = in.read();
      if (b >= 0 && --remaining == 0) {
        readLine(in); // CRLF after the chunk
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!advance()) {
        return -1;
      }
      int r = in.read(b, off, (int) Math.min(len, remaining));
      if (r > 0) {
        remaining -= r;
        if (remaining == 0) {
          readLine(in);
        }
      }
      return r;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
