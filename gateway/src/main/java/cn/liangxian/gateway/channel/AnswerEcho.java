package cn.liangxian.gateway.channel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An answer is about what was asked only if it names it: the trade or refund number the request carried. A channel's
 * signature on an answer proves who wrote it, not which request it answers (none of the three binds it to a nonce of
 * ours), so an answer about another of our orders, replayed or mixed up on the way, would otherwise be taken for this
 * one's: its "paid" would pay an order never paid. Such an answer fails, stays retryable (the next query may be
 * answered rightly), and is logged for an operator; nothing is applied.
 */
public final class AnswerEcho {
  private static final Logger LOG = LoggerFactory.getLogger(AnswerEcho.class);

  private AnswerEcho() {}

  /**
   * Fails unless {@code answered} is {@code asked}; an answer naming nothing passes only where {@code required} is
   * false (a channel may leave the field out of an answer that reports nothing done). {@code wrong} is the error code
   * of an answer naming another.
   */
  public static void check(String channel, String field, String asked, Object answered, boolean required, String wrong) {
    if (answered == null || answered instanceof String s && s.isEmpty()) {
      if (required) {
        LOG.error("{} answered a request for {} {} naming no {}: not taken", channel, field, asked, field);
        throw new ChannelException("MALFORMED_RESPONSE", "the answer names no " + field, 200, true);
      }
      return;
    }
    if (!asked.equals(answered)) {
      String shown = clipped(answered);
      LOG.error("{} answered a request for {} {} with {} {}: not taken", channel, field, asked, field, shown);
      throw new ChannelException(wrong, "the answer names " + field + " " + shown + ", not " + asked, 200, true);
    }
  }

  /** At most 40 characters of what an answer named: an order or refund number is shorter, nothing longer reaches the log. */
  private static String clipped(Object value) {
    String s = String.valueOf(value);
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
