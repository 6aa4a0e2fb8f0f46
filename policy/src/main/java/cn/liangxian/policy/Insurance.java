package cn.liangxian.policy;

import java.util.Optional;

public enum Insurance {
  /** 城乡居民基本医疗保险 */
  MEDICAL("medical", "城乡居民基本医疗保险"),
  /** 城乡居民基本养老保险 */
  PENSION("pension", "城乡居民基本养老保险");

  private final String code;
  private final String chineseName;

  Insurance(String code, String chineseName) {
    this.code = code;
    this.chineseName = chineseName;
  }

  /** The lower-case code used in books, APIs and the CLI. */
  public String code() {
    return code;
  }

  public String chineseName() {
    return chineseName;
  }

  public static Optional<Insurance> ofCode(String code) {
    for (Insurance i : values()) {
      if (i.code.equals(code)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }
}
