package cn.liangxian.policy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The shipped policy books, loaded once per test run from config/policies. */
final class Books {
  private static final Map<String, PolicyBook> CACHE = new ConcurrentHashMap<>();

  private Books() {}

  static Path dir() {
    Path p = Path.of("config", "policies");
    for (int i = 0; i < 3 && !Files.isDirectory(p); i++) {
      p = Path.of("..").resolve(p);
    }
    return p;
  }

  static PolicyBook get(String id) {
    return CACHE.computeIfAbsent(id, k -> PolicyBook.load(dir().resolve(k + ".yaml")));
  }
}
