package cn.liangxian.chromium;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Debian's headless Chromium for the screen tests: one browser a JVM, started by the first {@link #tab} and stopped when
 * the JVM exits (a launch is a handful of processes, which a busy machine makes slowly). Each test's tab is in a browser
 * context of its own (its own storage and cookies, as an incognito window) and goes with it.
 */
public final class Chromium {
  /** The longest a step waits for the browser (its port, a DevTools connection): a busy machine is slow, not broken. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private record Running(Process process, int port) {}

  private static Running running;
  /** The DevTools connections' Vert.x, one for the JVM as the browser is: each tab's connections are its own, closed with it. */
  private static final Vertx VERTX = Vertx.vertx();

  private Chromium() {}

  /**
   * A new tab, in a browser context of its own, on this JVM's Chromium: started now if it is not running, and installed
   * first by {@code ensureScript} (Debian's chromium and CJK fonts) if the machine has none.
   */
  public static Tab tab(Path ensureScript) throws Exception {
    return new Tab(running(ensureScript).port());
  }

  /** A test's tab: {@link #page} is its DevTools connection. Closing it closes its context, and the browser serves the next. */
  public static final class Tab implements AutoCloseable {
    /** The browser's own DevTools connection, which made this tab's context and closes it. */
    private final Cdp browser;
    private final String context;
    public final Cdp page;

    private Tab(int port) throws Exception {
      Cdp b = null;
      String made = null;
      try {
        b = connect(new JsonObject(get(port, "/json/version")).getString("webSocketDebuggerUrl"));
        made = b.send("Target.createBrowserContext", new JsonObject()).getString("browserContextId");
        String target = b.send("Target.createTarget", new JsonObject().put("url", "about:blank").put("browserContextId", made))
            .getString("targetId");
        page = connect("ws://127.0.0.1:" + port + "/devtools/page/" + target);
        page.send("Page.enable", new JsonObject());
        page.send("Runtime.enable", new JsonObject());
      } catch (Exception | AssertionError e) {
        // never a context left open in the browser after a test that could not open its tab
        try {
          if (b != null) {
            if (made != null) {
              b.send("Target.disposeBrowserContext", new JsonObject().put("browserContextId", made));
            }
            b.close();
          }
        } catch (Exception | AssertionError closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
      browser = b;
      context = made;
    }

    @Override
    public void close() throws Exception {
      try {
        page.close();
      } finally {
        try {
          browser.send("Target.disposeBrowserContext", new JsonObject().put("browserContextId", context));
        } finally {
          browser.close();
        }
      }
    }
  }

  /** The JVM's Chromium, started now if it is not running. */
  private static synchronized Running running(Path ensureScript) throws Exception {
    if (running != null && running.process().isAlive()) {
      return running;
    }
    Path binary = binary(ensureScript);
    Path dir = Files.createTempDirectory("chromium-");
    Path profile = dir.resolve("profile");
    Process p;
    try {
      Files.createDirectories(profile);
      p = start(binary, dir, profile);
    } catch (Exception e) {
      delete(dir); // a browser that could not start leaves no folder behind
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // never a browser left running after the tests: its own processes (renderers, the GPU and zygote helpers, crashpad)
      // stopped with it, taken while they are still its descendants, and waited for before its folder goes
      List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
      all.add(p.toHandle());
      all.forEach(ProcessHandle::destroyForcibly);
      try {
        for (ProcessHandle h : all) {
          h.onExit().get(10, TimeUnit.SECONDS);
        }
        delete(dir);
      } catch (Exception e) {
        System.err.println("the screen tests' Chromium folder " + dir + " not removed: " + e.getMessage());
      }
    }));
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      until(() -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2, () -> "Chromium's DevTools port");
      running = new Running(p, Integer.parseInt(Files.readAllLines(portFile).get(0).trim()));
      return running;
    } catch (Exception | AssertionError e) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static Process start(Path binary, Path dir, Path profile) throws java.io.IOException {
    return new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*", "--lang=zh-CN", "--hide-scrollbars",
        "about:blank").redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
  }

  private static void delete(Path dir) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  /** Debian's chromium: {@code CHROMIUM} if set, else where Debian puts it, installed by {@code ensureScript} if missing. */
  static Path binary(Path ensureScript) throws Exception {
    String env = System.getenv("CHROMIUM");
    for (String c : List.of(env == null ? "" : env, "/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (!c.isEmpty() && Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    Process p = new ProcessBuilder("bash", ensureScript.toString()).inheritIO().start();
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError(ensureScript + " did not install Debian's chromium");
    }
    return Path.of("/usr/bin/chromium");
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /**
   * A DevTools connection (the browser's or a tab's). A loaded machine may still be bringing the target up, or close the
   * first handshake while it does: connected again until it holds, and what it saw instead is said if it never does.
   */
  private static Cdp connect(String webSocketUrl) throws Exception {
    Cdp[] connected = new Cdp[1];
    Exception[] last = new Exception[1];
    until(() -> {
      try {
        connected[0] = Cdp.connect(VERTX, webSocketUrl);
        return true;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        last[0] = e;
        return false;
      }
    }, () -> "Chromium's DevTools at " + webSocketUrl + " (last: " + last[0] + ")");
    return connected[0];
  }

  /** Polls until {@code done}, at most {@link #WAIT}; fails naming {@code what}. */
  private static void until(Callable<Boolean> done, Supplier<String> what) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!Boolean.TRUE.equals(done.call())) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what.get());
      }
      Thread.sleep(20); // a polling step; the deadline bounds the wait
    }
  }
}
