package cn.liangxian.policy;

/**
 * Why the engine refused a payment or found a person not eligible.
 *
 * @param code a stable code, e.g. {@code policy.tier-restricted}
 * @param text the Chinese text for the resident (the book's wording where it gives one)
 * @param detail the English explanation for operators and logs, naming the clause and the book
 */
public record Reason(String code, String text, String detail) {}
