package cn.liangxian.reliability.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What must hold for every answer to a hostile request. {@link #strict} oracles fail a run; the others
 * are reported so that they can be tightened once the gateway meets them.
 */
public enum Oracle {
  /** Never a 5xx. The admission and body-budget 503s with Retry-After are shedding, not failure: counted apart. */
  NO_5XX(true),
  /** Every 4xx is application/problem+json with type, title and the same status (callbacks answer in the channel's format). */
  PROBLEM_JSON(true),
  /** No stack trace or exception name in any answer. */
  NO_STACK_TRACE(true),
  /** A CR/LF sent in a value never becomes a header of the answer. */
  NO_INJECTED_HEADER(true),
  /** An answer always comes (the connection is not dropped without one). */
  ANSWERED(true),
  /** Nothing in the money and people tables changes while only refused requests are sent. */
  REFUSED_CHANGES_NOTHING(true),
  /** The process answers its liveness probe after every batch. */
  ALIVE(true),
  /** Resident-facing refusals carry a Chinese title (residents read Chinese only). Reported; -Dfuzz.strictChinese=true makes it strict. */
  CHINESE_TITLE(Boolean.getBoolean("fuzz.strictChinese")),
  /** No answer slower than 1 s. Reported: a busy shared machine is not the gateway's fault; the long run prints the count. */
  FAST(false),
  /** A mutated request to a route that writes was accepted (2xx/3xx): not wrong in itself, listed for review. */
  HOSTILE_ACCEPTED(false);

  private static final ObjectMapper JSON = new ObjectMapper();
  public static final long SLOW_MILLIS = 1000;

  public final boolean strict;

  Oracle(boolean strict) {
    this.strict = strict;
  }

  /** True for a 503 that sheds load as designed (Retry-After and one of the shedding problem types). */
  public static boolean shedding(Sender.Answer a) {
    return a.status() == 503 && a.header("Retry-After") != null
        && (a.text().contains("/problems/busy\"") || a.text().contains("/problems/bodies-busy\""));
  }

  /** The oracles this answer breaks (ALIVE and REFUSED_CHANGES_NOTHING are judged per batch). */
  public static List<Oracle> judge(FuzzRequest r, Sender.Answer a) {
    List<Oracle> broken = new ArrayList<>();
    if (a.status() == 0) {
      return List.of(ANSWERED);
    }
    if (a.status() >= 500 && !shedding(a)) {
      broken.add(NO_5XX);
    }
    String text = a.text();
    if (text.contains("Exception") || text.contains("\tat ") || text.contains("\n\tat")) {
      broken.add(NO_STACK_TRACE);
    }
    if (a.header("X-Injected") != null) {
      broken.add(NO_INJECTED_HEADER);
    }
    if (a.status() >= 400 && !r.op().callback()) {
      Optional<JsonNode> p = problem(a);
      if (p.isEmpty()) {
        broken.add(PROBLEM_JSON);
      } else if (r.op().residentFacing() && !chinese(p.get().path("title").asText())) {
        broken.add(CHINESE_TITLE);
      }
    }
    if (a.millis() > SLOW_MILLIS) {
      broken.add(FAST);
    }
    return broken;
  }

  static Optional<JsonNode> problem(Sender.Answer a) {
    String type = a.header("Content-Type");
    if (type == null || !type.startsWith("application/problem+json")) {
      return Optional.empty();
    }
    try {
      JsonNode p = JSON.readTree(a.body());
      boolean ok = p.path("type").isTextual() && p.path("title").isTextual() && p.path("status").asInt() == a.status();
      return ok ? Optional.of(p) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  static boolean chinese(String s) {
    return s.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN);
  }
}
