package cn.liangxian.reliability.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/** What an attacker or a broken client puts where a value belongs. */
final class Hostile {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Hostile() {}

  /** Strings for a field, a path segment, a query value or a header: injection, traversal, confusables, control characters. */
  static final List<String> STRINGS = List.of(
      "", " ", "\t", "a".repeat(10_000), "\u0000", "a\u0000b", "%00",
      "' or '1'='1", "'; drop table orders; --", "1; select pg_sleep(5)", "\\x27", "$1",
      "../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "..\\..\\windows\\win.ini", "/dev/zero",
      "a\r\nX-Injected: 1", "%0d%0aX-Injected:%201",
      "３７１３１２１９６２０５１０８４９０", "3713121962O5108490", "371312196205108490\u200b", "\u202e0948015026912131",
      "张\u200b三", "Ｚｈａｎｇ", "\ud800", "\uffff", "😀".repeat(50), "${jndi:ldap://127.0.0.1/a}", "%s%n%x", "<script>alert(1)</script>",
      "null", "true", "-1", "NaN", "Infinity", "1e309", "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff", "2019-02-30", "0000-00-00", "99999-12-31",
      // dates and numbers Java reads but PostgreSQL does not keep, and an escape that decodes to nothing
      "+999999999-12-31", "-999999999-01-01", "+999999999-12-31T23:59:59Z", "-2147483648", "%ZZ", "%");

  /** Values of any JSON type for a body field: wrong types, huge, negative and fractional numbers, deep nesting. */
  static List<JsonNode> values() {
    return List.of(F.numberNode(12345), F.booleanNode(true), F.nullNode(), F.arrayNode(), F.objectNode(),
        F.numberNode(1.5), F.numberNode(-1), F.numberNode(-100), F.numberNode(0), F.numberNode(0.01),
        F.numberNode(Long.MAX_VALUE), F.numberNode(Long.MIN_VALUE), F.numberNode(new BigInteger("9".repeat(40))),
        F.numberNode(new BigDecimal("1e308")), F.numberNode(new BigDecimal("-1e-308")), F.numberNode(Integer.MAX_VALUE + 1L),
        nested(200), nestedObject(200), F.arrayNode().add(F.arrayNode().add("x")), F.textNode("1"), F.textNode("1.5"));
  }

  static ArrayNode nested(int depth) {
    ArrayNode root = F.arrayNode();
    ArrayNode a = root;
    for (int i = 0; i < depth; i++) {
      a = a.addArray();
    }
    return root;
  }

  static ObjectNode nestedObject(int depth) {
    ObjectNode root = F.objectNode();
    ObjectNode o = root;
    for (int i = 0; i < depth; i++) {
      o = o.putObject("a");
    }
    return root;
  }
}
