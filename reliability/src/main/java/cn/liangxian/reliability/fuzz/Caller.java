package cn.liangxian.reliability.fuzz;

import java.util.Map;

/**
 * Who sends a request: the headers that make it theirs, computed over what is finally sent (a kiosk
 * signs the mutated body). A new kind of caller is one more implementation added to the list the fuzzer
 * is given ({@link Callers}: anonymous, resident, kiosk, operator of each role).
 */
public interface Caller {
  String name();

  Map<String, String> headers(String method, String target, byte[] body);

  /** True for callers whose requests are logged in the audit trail even when refused. */
  default boolean operator() {
    return false;
  }
}
