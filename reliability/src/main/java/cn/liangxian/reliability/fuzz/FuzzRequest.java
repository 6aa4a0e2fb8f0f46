package cn.liangxian.reliability.fuzz;

import java.util.Map;

/** One request to send: the route it aims at, what was done to it, and its bytes. Headers keep their order. */
public record FuzzRequest(Contract.Operation op, Caller caller, String mutation, String method, String target,
    Map<String, String> headers, byte[] body) {

  /** Valid requests and mutations that leave a request valid (an odd Accept, many harmless headers) may be accepted. */
  public boolean mayBeAccepted() {
    return mutation.equals("valid") || mutation.startsWith("benign ");
  }

  public String label() {
    return caller.name() + " " + method + " " + (target.length() > 120 ? target.substring(0, 120) + "..." : target) + " [" + mutation + "]";
  }
}
