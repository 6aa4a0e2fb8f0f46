package cn.liangxian.reliability.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends a request with the JDK's HTTP client; what that client refuses to send (control characters in a
 * header, a header it reserves, a target that is no URI) goes byte for byte over a socket instead.
 */
public final class Sender {
  /** An answer: status (0 when the connection failed), headers in lower case, body, time taken. */
  public record Answer(int status, Map<String, String> headers, byte[] body, long millis, String error) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final String host;
  private final int port;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public Sender(String host, int port) {
    this.host = host;
    this.port = port;
  }

  public Answer send(FuzzRequest r) {
    long t0 = System.nanoTime();
    HttpRequest req;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + r.target()))
          .timeout(Duration.ofSeconds(15)).method(r.method(), r.body().length == 0 && r.method().equals("GET")
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body()));
      r.headers().forEach(b::header);
      req = b.build();
    } catch (IllegalArgumentException e) {
      return raw(r, t0);
    }
    try {
      HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
      Map<String, String> h = new TreeMap<>();
      resp.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      return new Answer(resp.statusCode(), h, resp.body(), (System.nanoTime() - t0) / 1_000_000, null);
    } catch (IOException e) {
      return new Answer(0, Map.of(), new byte[0], (System.nanoTime() - t0) / 1_000_000, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, Map.of(), new byte[0], (System.nanoTime() - t0) / 1_000_000, e.toString());
    }
  }

  private Answer raw(FuzzRequest r, long t0) {
    try (Socket s = new Socket(host, port)) {
      s.setSoTimeout(15_000);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      StringBuilder head = new StringBuilder(r.method() + " " + r.target() + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
      r.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Content-Length: ").append(r.body().length).append("\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      out.write(r.body());
      OutputStream o = s.getOutputStream();
      o.write(out.toByteArray());
      o.flush();
      return parse(s.getInputStream(), t0);
    } catch (IOException e) {
      return new Answer(0, Map.of(), new byte[0], (System.nanoTime() - t0) / 1_000_000, e.toString());
    }
  }

  private static Answer parse(InputStream in, long t0) throws IOException {
    byte[] all = in.readAllBytes();
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0 || !text.startsWith("HTTP/")) {
      return new Answer(0, Map.of(), all, (System.nanoTime() - t0) / 1_000_000, "no HTTP answer (" + all.length + " bytes)");
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> h = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      if (c > 0) {
        h.merge(lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).strip(), (a, b) -> a + "," + b);
      }
    }
    byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    return new Answer(status, h, body, (System.nanoTime() - t0) / 1_000_000, null);
  }
}
