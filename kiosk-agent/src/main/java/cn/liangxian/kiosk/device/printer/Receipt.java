package cn.liangxian.kiosk.device.printer;

import java.util.List;

/** A receipt as printed: a title, lines of text (already masked), and the URL its QR code verifies at. */
public record Receipt(String receiptNo, String title, List<String> lines, String verifyUrl) {
  public Receipt {
    lines = List.copyOf(lines);
  }
}
