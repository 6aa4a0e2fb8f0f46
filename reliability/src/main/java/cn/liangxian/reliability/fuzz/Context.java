package cn.liangxian.reliability.fuzz;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values that make a request valid, by the name of the field or parameter that takes them (a household
 * looked up, an order created, a region served). The fuzzer starts from these and breaks one thing.
 */
public final class Context {
  private final Map<String, Object> values = new ConcurrentHashMap<>();

  public Context put(String name, Object value) {
    values.put(name, value);
    return this;
  }

  public Object get(String name) {
    return values.get(name);
  }

  public String string(String name) {
    Object v = values.get(name);
    return v == null ? null : v.toString();
  }
}
