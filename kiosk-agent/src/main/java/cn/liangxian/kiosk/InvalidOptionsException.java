package cn.liangxian.kiosk;

/**
 * The configuration cannot run a kiosk. The message is one line for the operator: where (the file or the
 * environment variable), the key, and what is accepted, e.g.
 * {@code config/kiosk.yaml: devices.printer.type: 'simulatd' is not one of tcp, serial, simulated}.
 */
public final class InvalidOptionsException extends RuntimeException {

  public InvalidOptionsException(String line) {
    super(line, null, false, false);
  }
}
