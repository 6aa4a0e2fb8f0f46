package cn.liangxian.policy;

/**
 * A group's own personal amount and, where the notice gives it, the government's share for it (fen).
 *
 * @param governmentFen null where the notice gives no figure for this group
 */
record GroupAmount(Group group, long personalFen, Long governmentFen, String source) {}
