package cn.liangxian.kiosk.device.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;

/** A serial port (jSerialComm), 8N1, as a byte channel whose reads time out so a dead device cannot hang a poll. */
public final class SerialLine {
  private SerialLine() {}

  public static StreamChannel open(String device, int baud, int readTimeoutMillis) throws IOException {
    SerialPort p = SerialPort.getCommPort(device);
    p.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
    p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
    p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, readTimeoutMillis, 0);
    if (!p.openPort()) {
      throw new IOException("cannot open serial port " + device);
    }
    return new StreamChannel(p.getInputStream(), p.getOutputStream(), p::closePort);
  }
}
