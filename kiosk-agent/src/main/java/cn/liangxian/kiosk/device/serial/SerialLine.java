package cn.liangxian.kiosk.device.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;

/** A serial port (jSerialComm), 8N1, as a byte channel whose reads time out so a dead device cannot hang a poll. */
public final class SerialLine {
  private SerialLine() {}

  public static StreamChannel open(String device, int baud, int readTimeoutMillis) throws IOException {
    SerialPort p;
    try {
      p = SerialPort.getCommPort(device);
    } catch (RuntimeException e) {
      // jSerialComm's own unchecked exception for a device file that is not there (an adapter pulled out): a port that
      // cannot be opened, as any other
      throw new IOException("no serial port " + device + ": " + e.getMessage(), e);
    }
    p.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
    p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
    p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, readTimeoutMillis, 0);
    if (!p.openPort()) {
      throw new IOException("cannot open serial port " + device);
    }
    return new StreamChannel(p.getInputStream(), p.getOutputStream(), p::closePort);
  }
}
