package cn.liangxian.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Books written from other cities' notices, kept as test resources under {@code notices/}, loaded once. */
final class NoticeFixtures {
  private static final Map<String, PolicyBook> CACHE = new ConcurrentHashMap<>();

  private NoticeFixtures() {}

  static PolicyBook get(String id) {
    return CACHE.computeIfAbsent(id, NoticeFixtures::load);
  }

  private static PolicyBook load(String id) {
    String name = id + ".yaml";
    try (InputStream in = NoticeFixtures.class.getResourceAsStream("/notices/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test book notices/" + name);
      }
      return PolicyBook.parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
