package cn.liangxian.kiosk.device.idcard;

import java.util.Arrays;

/** The SAM's status byte (SW3). */
public enum SamStatus {
  OK(0x90, "操作成功"),
  FIND_OK(0x9F, "找到身份证"),
  FIND_FAILED(0x80, "未找到身份证"),
  SELECT_FAILED(0x81, "选卡失败"),
  READ_FAILED(0x41, "读卡失败"),
  CHECKSUM_ERROR(0x10, "校验和错误"),
  LENGTH_ERROR(0x11, "长度错误"),
  COMMAND_ERROR(0x21, "命令错误"),
  SELF_TEST_FAILED(0x60, "阅读器自检失败"),
  NOT_AUTHORISED(0x66, "阅读器未经授权"),
  UNKNOWN(-1, "未知状态");

  private final int code;
  private final String text;

  SamStatus(int code, String text) {
    this.code = code;
    this.text = text;
  }

  public int code() {
    return code;
  }

  /** What the resident may be told. */
  public String text() {
    return text;
  }

  public static SamStatus of(int code) {
    return Arrays.stream(values()).filter(s -> s.code == code).findFirst().orElse(UNKNOWN);
  }
}
