package cn.liangxian.policy;

/**
 * A rule of a policy book that decided part of an assessment.
 *
 * @param id the rule's id in the book, e.g. {@code special-groups-exempt}
 * @param source the clause of the notice it comes from, e.g. {@code 000 三(二)2}
 */
public record AppliedRule(String id, String source) {}
