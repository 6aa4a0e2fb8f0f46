package cn.liangxian.policy;

import java.time.LocalDate;

/**
 * What a payment made on or after {@code from} (after the collection window) costs and when its
 * coverage starts.
 *
 * @param fullFinancing pays the full financing amount (personal + fiscal) instead of the personal rate
 * @param reductions category and age reductions still apply
 * @param subsidies the pension contribution subsidy is still credited
 * @param waitingDays coverage starts this many days after payment
 * @param governmentPaidFullYear people whose personal part the government pays keep the full year (000 三(二)3)
 */
record LatePhase(
    String id,
    LocalDate from,
    boolean fullFinancing,
    boolean reductions,
    boolean subsidies,
    int waitingDays,
    boolean governmentPaidFullYear,
    String source) {}
