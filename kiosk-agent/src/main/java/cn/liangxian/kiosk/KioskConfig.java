package cn.liangxian.kiosk;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** {@code config/kiosk.yaml} read as a tree; {@code get("devices.printer.type")}. */
public final class KioskConfig {

  private final Map<String, Object> root;
  private final Map<String, String> env;

  KioskConfig(Map<String, Object> root, Map<String, String> env) {
    this.root = root;
    this.env = env;
  }

  public static KioskConfig load(Path file, Map<String, String> env) throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      Map<String, Object> m = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
      return new KioskConfig(m == null ? Map.of() : m, env);
    }
  }

  public String string(String path, String dflt) {
    String envName = switch (path) {
      case "kioskId" -> "KIOSK_ID";
      case "gateway.url" -> "KIOSK_GATEWAY_URL";
      default -> null;
    };
    if (envName != null && env.get(envName) != null) {
      return env.get(envName);
    }
    Object v = root;
    for (String part : path.split("\\.")) {
      if (!(v instanceof Map<?, ?> m)) {
        return dflt;
      }
      v = m.get(part);
    }
    return v == null ? dflt : v.toString();
  }

  public int integer(String path, int dflt) {
    String s = string(path, null);
    try {
      return s == null ? dflt : Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("kiosk.yaml: " + path + " is not a number: " + s, e);
    }
  }
}
