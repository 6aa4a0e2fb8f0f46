package cn.liangxian.kiosk;

import cn.liangxian.kiosk.device.idcard.IdCardPoller;

/**
 * The devices under {@code devices:}. The ID-card reader and the printer must say what they are: a kiosk whose
 * file forgot them would otherwise take a simulator and "print into nothing". The social-security card reader
 * and the scanner are optional extras and default to {@code none}. The address a device type needs (a host for
 * TCP, a serial port for serial) has no default either.
 */
public record DeviceOptions(IdCardDevice idCard, SocialSecurityCardDevice socialSecurityCard, ScannerDevice scanner,
                            PrinterDevice printer) {

  /**
   * {@code devices.idcard}: the SAM ID-card reader. {@code pollMillis} below the reader's 300 ms is refused at start-up, not
   * quietly raised: the file says what the kiosk does. With {@code type: none} nothing is polled, so a value left there
   * from another reader stops nothing (it must still be a whole number).
   */
  public record IdCardDevice(Type type, String serialPort, int baud, String host, int port, int pollMillis) {
    public enum Type { SAM_SERIAL, SAM_TCP, SIMULATED, NONE }
  }

  /** {@code devices.sscard}: a PC/SC reader whose name contains {@code terminal} (empty: the first one). */
  public record SocialSecurityCardDevice(Type type, String terminal) {
    public enum Type { PCSC, NONE }
  }

  /** {@code devices.scanner}: a code per line from a serial scanner or a keyboard wedge on stdin. */
  public record ScannerDevice(Type type, String serialPort, int baud) {
    public enum Type { SERIAL, STDIN, NONE }
  }

  /** {@code devices.printer}: an ESC/POS receipt printer. */
  public record PrinterDevice(Type type, String host, int port, String serialPort, int baud) {
    public enum Type { TCP, SERIAL, SIMULATED }
  }

  static DeviceOptions read(OptionsSection devices) {
    devices.takes("idcard", "sscard", "scanner", "printer");
    return new DeviceOptions(idCard(devices.section("idcard")), socialSecurityCard(devices.section("sscard")),
        scanner(devices.section("scanner")), printer(devices.section("printer")));
  }

  private static IdCardDevice idCard(OptionsSection s) {
    s.takes("type", "serialPort", "baud", "host", "port", "pollMillis");
    IdCardDevice.Type type = s.oneOf("type", IdCardDevice.Type.class, null);
    return new IdCardDevice(type, address(s, "serialPort", type, IdCardDevice.Type.SAM_SERIAL),
        s.integer("baud", 115200, 1, 4_000_000), address(s, "host", type, IdCardDevice.Type.SAM_TCP),
        s.integer("port", 7001, 1, 65535),
        s.integer("pollMillis", 300, type == IdCardDevice.Type.NONE ? 1 : (int) IdCardPoller.MIN_INTERVAL.toMillis(), 60_000));
  }

  private static SocialSecurityCardDevice socialSecurityCard(OptionsSection s) {
    s.takes("type", "terminal");
    return new SocialSecurityCardDevice(
        s.oneOf("type", SocialSecurityCardDevice.Type.class, SocialSecurityCardDevice.Type.NONE), s.text("terminal", ""));
  }

  private static ScannerDevice scanner(OptionsSection s) {
    s.takes("type", "serialPort", "baud");
    ScannerDevice.Type type = s.oneOf("type", ScannerDevice.Type.class, ScannerDevice.Type.NONE);
    return new ScannerDevice(type, address(s, "serialPort", type, ScannerDevice.Type.SERIAL),
        s.integer("baud", 9600, 1, 4_000_000));
  }

  private static PrinterDevice printer(OptionsSection s) {
    s.takes("type", "host", "port", "serialPort", "baud");
    PrinterDevice.Type type = s.oneOf("type", PrinterDevice.Type.class, null);
    return new PrinterDevice(type, address(s, "host", type, PrinterDevice.Type.TCP),
        s.integer("port", 9100, 1, 65535), address(s, "serialPort", type, PrinterDevice.Type.SERIAL),
        s.integer("baud", 115200, 1, 4_000_000));
  }

  /** A host or serial device: required by the type that connects through it, read (and checked) in any case. */
  private static String address(OptionsSection s, String key, Enum<?> type, Enum<?> needsIt) {
    String v = s.text(key, null);
    if (type == needsIt && (v == null || v.isBlank())) {
      throw s.invalid(key, "missing; type " + OptionsSection.spelling(type) + " needs it");
    }
    return v;
  }
}
