package cn.liangxian.kiosk;

import cn.liangxian.kiosk.gateway.GatewayClient;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything the agent is configured with, read once at start-up from {@code config/kiosk.yaml} (or the file
 * {@code KIOSK_CONFIG} names) with {@code KIOSK_ID}, {@code KIOSK_GATEWAY_URL} and {@code KIOSK_UI_PORT} overriding their keys, and
 * checked there: an unknown key, a value of the wrong type, a device type that is not one of the accepted
 * ones or a missing value that has no default stops the agent with one line ({@link InvalidOptionsException}).
 * Plain data: tests build it from a file or in code.
 */
public record KioskOptions(String kioskId, Gateway gateway, Path keyDir, Path journal, Ui ui, int heartbeatSeconds,
                           int payPollMillis, int deviceCheckSeconds, DeviceOptions devices) {

  public static final String CONFIG_ENV = "KIOSK_CONFIG";
  public static final String KIOSK_ID_ENV = "KIOSK_ID";
  public static final String GATEWAY_URL_ENV = "KIOSK_GATEWAY_URL";
  /** The touch UI's port, over {@code ui.port}: a second kiosk on one machine, or 8700 taken by something else. */
  public static final String UI_PORT_ENV = "KIOSK_UI_PORT";
  /** The shortest order polling ({@code payPollMillis}) and gateway timeout ({@code gateway.timeoutMillis}) taken. */
  static final int MIN_PAY_POLL_MILLIS = 500;
  static final int MIN_GATEWAY_TIMEOUT_MILLIS = 1000;

  /**
   * The gateway: its base URL, the HTTP timeout, the timeout of an order's creation (the gateway waits up to 15 s for the
   * payment channel then), and the base of the receipt's QR code ({@code {verifyUrl}/{receiptNo}}).
   */
  public record Gateway(String url, int timeoutMillis, int orderTimeoutMillis, String verifyUrl) {}

  /** An order's creation waits this long by default: above the 15 s the gateway gives the payment channel. */
  static final int ORDER_TIMEOUT_MILLIS = GatewayClient.ORDER_TIMEOUT_MILLIS;
  /**
   * The longest wait for an order's creation taken: the screen that shows it (正在生成付款码) returns to the first one after
   * 30 s, the printer's check and the journal's write also in that time.
   */
  static final int MAX_ORDER_TIMEOUT_MILLIS = 25_000;

  /** The touch UI's address; loopback only. Port 0: any free port (tests). */
  public record Ui(String host, int port) {}

  /** The file {@code KIOSK_CONFIG} names, else {@code config/kiosk.yaml}. */
  public static Path configFile(Map<String, String> env) {
    String f = env.get(CONFIG_ENV);
    return Path.of(f == null || f.isBlank() ? "config/kiosk.yaml" : f);
  }

  public static KioskOptions load(Path file, Map<String, String> env) {
    // before the file: KIOSK_CONIFG misspelt would otherwise read config/kiosk.yaml in its place
    refuseUnknownVariables(env);
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidOptionsException(file + ": no such file (" + CONFIG_ENV + " or the first argument names another)");
    } catch (IOException e) {
      throw new InvalidOptionsException(file + ": cannot be read: " + e);
    }
    return fromYaml(file.toString(), yaml, env);
  }

  /**
   * The agent's own variables, and the kiosk browser script's (set in the same session): any other {@code KIOSK_} name
   * is a misspelling, refused, never passed over for the file's value.
   */
  static final java.util.Set<String> VARIABLES = java.util.Set.of(CONFIG_ENV, KIOSK_ID_ENV, GATEWAY_URL_ENV, UI_PORT_ENV,
      "KIOSK_BROWSER_PROFILE");

  /** Refuses a {@code KIOSK_} variable that is none of {@link #VARIABLES}, naming it. */
  static void refuseUnknownVariables(Map<String, String> env) {
    for (String name : new java.util.TreeSet<>(env.keySet())) {
      if (name.startsWith("KIOSK_") && !VARIABLES.contains(name)) {
        throw new InvalidOptionsException("environment: " + name + " is not a setting; accepted: "
            + String.join(", ", new java.util.TreeSet<>(VARIABLES)));
      }
    }
  }

  /** {@code source} names the file in refusals. */
  public static KioskOptions fromYaml(String source, String yaml, Map<String, String> env) {
    refuseUnknownVariables(env);
    OptionsSection root = OptionsSection.parse(source, yaml)
        .takes("kioskId", "gateway", "keyDir", "journal", "ui", "heartbeatSeconds", "payPollMillis", "deviceCheckSeconds",
            "devices");
    String kioskId = overridden(env, KIOSK_ID_ENV, root.text("kioskId", null));
    if (kioskId == null || kioskId.isBlank()) {
      throw root.invalid("kioskId", "missing; this kiosk's id at the gateway (or set " + KIOSK_ID_ENV + ")");
    }
    Gateway gateway = gateway(root.section("gateway"), env);
    Path keyDir = Path.of(root.text("keyDir"));
    Path journal = Path.of(root.text("journal"));
    OptionsSection uiSection = root.section("ui").takes("host", "port");
    Ui ui = new Ui(uiSection.text("host", "127.0.0.1"), uiPort(env, uiSection.integer("port", 8700, 0, 65535)));
    if (!java.util.Set.of("127.0.0.1", "localhost", "::1").contains(ui.host())) {
      // the touch UI drives payments with the kiosk's signature: only the kiosk's own browser may reach it
      throw uiSection.invalid("host", "'" + ui.host() + "' is not a loopback address; the touch UI listens on 127.0.0.1,"
          + " localhost or ::1 only");
    }
    int heartbeatSeconds = root.integer("heartbeatSeconds", 30, 1, 86_400);
    // a poll every millisecond would be a kiosk flooding its gateway, not a faster one
    int payPollMillis = root.integer("payPollMillis", 2000, MIN_PAY_POLL_MILLIS, 600_000);
    // how often the printer is asked whether it could print, for the first screen and the pay buttons; 0: only before a
    // payment (a kiosk with a printer that must not be asked in between)
    int deviceCheckSeconds = root.integer("deviceCheckSeconds", 5, 0, 3600);
    DeviceOptions devices = DeviceOptions.read(root.section("devices"));
    return new KioskOptions(kioskId, gateway, keyDir, journal, ui, heartbeatSeconds, payPollMillis, deviceCheckSeconds,
        devices);
  }

  private static Gateway gateway(OptionsSection s, Map<String, String> env) {
    s.takes("url", "timeoutMillis", "orderTimeoutMillis", "verifyUrl");
    String fromFile = s.text("url", null);
    String url = overridden(env, GATEWAY_URL_ENV, fromFile);
    if (url == null || url.isBlank()) {
      throw s.invalid("url", "missing; the gateway's http:// or https:// address (or set " + GATEWAY_URL_ENV + ")");
    }
    if (!isHttpUrl(url)) {
      throw url.equals(fromFile) ? s.invalid("url", OptionsSection.describe(url) + " is not an http:// or https:// address")
          : new InvalidOptionsException(GATEWAY_URL_ENV + ": " + OptionsSection.describe(url)
              + " is not an http:// or https:// address");
    }
    // below a second, a gateway answering in its ordinary time would be taken for one that cannot be reached
    int timeoutMillis = s.integer("timeoutMillis", 5000, MIN_GATEWAY_TIMEOUT_MILLIS, 600_000);
    int orderTimeoutMillis = s.integer("orderTimeoutMillis", ORDER_TIMEOUT_MILLIS, MIN_GATEWAY_TIMEOUT_MILLIS,
        MAX_ORDER_TIMEOUT_MILLIS);
    String verifyUrl = s.text("verifyUrl", url + "/r");
    if (!isHttpUrl(verifyUrl)) {
      throw s.invalid("verifyUrl", OptionsSection.describe(verifyUrl) + " is not an http:// or https:// address");
    }
    return new Gateway(url, timeoutMillis, orderTimeoutMillis, verifyUrl);
  }

  private static int uiPort(Map<String, String> env, int fromFile) {
    String v = env.get(UI_PORT_ENV);
    if (v == null || v.isBlank()) {
      return fromFile;
    }
    try {
      int port = Integer.parseInt(v.strip());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new InvalidOptionsException(UI_PORT_ENV + ": " + OptionsSection.describe(v) + " is not a port (0 to 65535)");
  }

  private static String overridden(Map<String, String> env, String name, String value) {
    String v = env.get(name);
    return v == null || v.isBlank() ? value : v;
  }

  private static boolean isHttpUrl(String s) {
    try {
      URI u = new URI(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
