package cn.liangxian.gateway.lookup;

/**
 * What an agency told us about a person that settles an insurance and year without a payment here:
 * employee insurance, insured elsewhere, died, or already paid in another city. The lookup shows the
 * item not eligible with a reason in plain Chinese, and an order for it is refused.
 */
public record AgencyNote(String kind, String insurance, Integer year, String place) {

  /** Whether the note settles this insurance and year (a note without them settles every one). */
  public boolean covers(String ins, int y) {
    return (insurance == null || insurance.equals(ins)) && (year == null || year == y);
  }

  /** The reason a resident reads. */
  public String reason(String ins, int y) {
    String which = ins.equals("medical") ? "医疗保险" : "养老保险";
    String where = place == null || place.isBlank() ? "其他地区" : place;
    return switch (kind) {
      case "DIED" -> "经办机构告知此人已身故，不需要缴费";
      case "EMPLOYEE_INSURANCE" -> "经办机构告知此人已参加职工" + which + "，不需要再缴居民" + which;
      case "INSURED_ELSEWHERE" -> "经办机构告知此人" + y + "年度已在" + where + "参加" + which + "，不需要在本地缴费";
      case "PAID_ELSEWHERE" -> "此人" + y + "年度的" + which + "已在" + where + "缴费，本地显示的金额不需要再缴，请勿重复缴费";
      default -> "经办机构告知此人不需要在本地缴费";
    };
  }
}
