package cn.liangxian.kiosk.device.sscard;

import cn.liangxian.kiosk.privacy.Masking;

/** What the agent reads off a social-security card: the social security number (the ID number) and the name. */
public record SocialSecurityCard(String ssn, String name) {
  @Override
  public String toString() {
    return "SocialSecurityCard[" + Masking.name(name) + ", " + Masking.idNumber(ssn) + "]";
  }
}
