package cn.liangxian.gateway.demo;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium as a 390×844 phone on the demo's pages, driven by taps over the DevTools protocol. A test's phone is a
 * tab of its own in a browser context of its own (its own storage and cookies, as an incognito window), in the one
 * Chromium this JVM starts for its phone tests: a launch is a handful of processes, which this machine makes slowly.
 */
final class PhoneBrowser implements AutoCloseable {
  /** The JVM's Chromium, started by the first phone and stopped at exit. */
  private record Chromium(Process process, int port) {}

  private static Chromium chromium;

  private final Vertx vertx = Vertx.vertx();
  /** The browser's own DevTools connection, which made this phone's context and closes it. */
  private final Cdp browser;
  private final String context;
  final Cdp page;

  PhoneBrowser() throws Exception {
    Chromium c = chromium();
    Cdp b = null;
    String made = null;
    try {
      b = connect(new JsonObject(get(c.port(), "/json/version")).getString("webSocketDebuggerUrl"));
      made = b.send("Target.createBrowserContext", new JsonObject()).getString("browserContextId");
      String target = b.send("Target.createTarget", new JsonObject().put("url", "about:blank").put("browserContextId", made))
          .getString("targetId");
      page = connect("ws://127.0.0.1:" + c.port() + "/devtools/page/" + target);
      page.send("Page.enable", new JsonObject());
      page.send("Runtime.enable", new JsonObject());
      page.send("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
          .put("deviceScaleFactor", 1).put("mobile", true));
    } catch (Exception | AssertionError e) {
      // never a context left open in the browser after a test that could not start its phone
      try {
        if (b != null) {
          if (made != null) {
            b.send("Target.disposeBrowserContext", new JsonObject().put("browserContextId", made));
          }
          b.close();
        }
      } catch (Exception | AssertionError closing) {
        e.addSuppressed(closing);
      } finally {
        vertx.close();
      }
      throw e;
    }
    browser = b;
    context = made;
  }

  /** The JVM's Chromium, started now if it is not running. */
  private static synchronized Chromium chromium() throws Exception {
    if (chromium != null && chromium.process().isAlive()) {
      return chromium;
    }
    Path dir = Files.createTempDirectory("phone-chromium-");
    Path profile = dir.resolve("profile");
    Files.createDirectories(profile);
    Process p = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--remote-debugging-port=0", "--remote-allow-origins=*", "--lang=zh-CN", "--hide-scrollbars", "about:blank")
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // never a browser left running after the tests
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
        org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
      } catch (Exception e) {
        System.err.println("the phone tests' Chromium folder " + dir + " not removed: " + e.getMessage());
      }
    }));
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      Eventually.until("Chromium's DevTools port", () -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
      chromium = new Chromium(p, Integer.parseInt(Files.readAllLines(portFile).get(0).trim()));
      return chromium;
    } catch (Exception | AssertionError e) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /**
   * A DevTools connection (the browser's or a tab's). A loaded machine may still be bringing the target up, or close the
   * first handshake while it does: connected again until it holds.
   */
  private Cdp connect(String webSocketUrl) throws Exception {
    // what it saw instead of a connection is kept, so that a wait that ends says why
    return (Cdp) Eventually.until("Chromium's DevTools at " + webSocketUrl + ", connected", () -> {
      try {
        return (Object) Cdp.connect(vertx, webSocketUrl);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        return e.toString(); // the handshake closed or never answered: connected again
      }
    }, c -> c instanceof Cdp);
  }

  static Path binary() throws Exception {
    String env = System.getenv("CHROMIUM");
    for (String c : List.of(env == null ? "" : env, "/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (!c.isEmpty() && Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    // as the kiosk's screens' tests do: Debian's chromium and CJK fonts
    Process p = new ProcessBuilder("bash", TestGateway.repo().resolve("kiosk-agent/scripts/ensure-chromium.sh").toString())
        .inheritIO().start();
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("ensure-chromium.sh installs Debian's chromium").isZero();
    return Path.of("/usr/bin/chromium");
  }

  void open(String url) throws Exception {
    page.send("Page.navigate", new JsonObject().put("url", url));
    Eventually.until("the page " + url, () -> Boolean.TRUE.equals(page.eval(
        "document.readyState === 'complete' && !!document.querySelector('script')")));
  }

  boolean visible(String selector) throws Exception {
    return Boolean.TRUE.equals(page.eval("(() => { const e = document.querySelector(\"" + selector
        + "\"); return !!e && e.offsetParent !== null; })()"));
  }

  void waitVisible(String selector) throws Exception {
    Eventually.until(selector + " on screen", () -> visible(selector));
  }

  String text(String selector) throws Exception {
    Object t = page.eval("(document.querySelector(\"" + selector + "\") || {}).innerText");
    return t == null ? "" : t.toString();
  }

  void type(String selector, String value) throws Exception {
    page.eval("(() => { const e = document.querySelector(\"" + selector + "\"); e.value = " + JsonObject.of("v", value).encode()
        + ".v; e.dispatchEvent(new Event('input')); })()");
  }

  /** A press and release at the element's centre, as a finger gives, once it is on screen and enabled. */
  void tap(String selector) throws Exception {
    Eventually.until(selector + " to tap", () -> Boolean.TRUE.equals(page.eval("(() => { const e = document.querySelector(\""
        + selector + "\"); return !!e && !e.disabled && e.offsetParent !== null; })()")));
    JsonObject r = new JsonObject((String) page.eval("JSON.stringify((() => { const e = document.querySelector(\"" + selector
        + "\"); e.scrollIntoView({block: 'center'}); const b = e.getBoundingClientRect(); return {x: b.x + b.width / 2, y: b.y + b.height / 2}; })())"));
    tapAt(r.getDouble("x"), r.getDouble("y"));
  }

  /** A press and release at a point of the screen (the dimmed page above a sheet, say). */
  void tapAt(double x, double y) throws Exception {
    for (String type : List.of("mousePressed", "mouseReleased")) {
      page.send("Input.dispatchMouseEvent", new JsonObject().put("type", type).put("x", x)
          .put("y", y).put("button", "left").put("clickCount", 1));
    }
  }

  @Override
  public void close() throws Exception {
    try {
      page.close();
    } finally {
      try {
        // the tab and everything it kept go with its context; the browser serves the next test
        browser.send("Target.disposeBrowserContext", new JsonObject().put("browserContextId", context));
        browser.close();
      } finally {
        vertx.close();
      }
    }
  }
}
