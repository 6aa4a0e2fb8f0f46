package cn.liangxian.channel.unionpay;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text of UnionPay's messages. A request and a notification are ordinary URL-encoded forms; a
 * synchronous answer is {@code k=v&k=v} as is, not URL-encoded, where a value inside braces
 * ({@code reqReserved={a=1&b=2}}) may itself hold {@code &} and {@code =}.
 */
public final class UnionPayMessages {
  private UnionPayMessages() {}

  /** A form body, each name and value URL-encoded in UTF-8; empty values are left out, as the SDK does. */
  public static String form(Map<String, String> fields) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (e.getValue() == null || e.getValue().isEmpty()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  /** An answer's fields, in the order sent. */
  public static Map<String, String> parseAnswer(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null) {
      return out;
    }
    int i = 0;
    int n = text.length();
    while (i < n) {
      int eq = text.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String key = text.substring(i, eq);
      int j = eq + 1;
      int depth = 0;
      while (j < n) {
        char c = text.charAt(j);
        if (c == '{') {
          depth++;
        } else if (c == '}' && depth > 0) {
          depth--;
        } else if (c == '&' && depth == 0) {
          break;
        }
        j++;
      }
      out.put(key.strip(), text.substring(eq + 1, j));
      i = j + 1;
    }
    return out;
  }

  /** An answer's text, as UnionPay writes it (what the sandbox sends). */
  public static String answer(Map<String, String> fields) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }
}
