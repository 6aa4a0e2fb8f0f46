package cn.liangxian.kiosk.device.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/** A serial port (jSerialComm) as a byte channel, 8N1, reads time out so a dead device cannot hang a poll. */
public final class SerialLine implements ByteChannel {

  private final SerialPort port;
  private final InputStream in;
  private final OutputStream out;

  private SerialLine(SerialPort port) {
    this.port = port;
    this.in = port.getInputStream();
    this.out = port.getOutputStream();
  }

  public static SerialLine open(String device, int baud, int readTimeoutMillis) throws IOException {
    SerialPort p = SerialPort.getCommPort(device);
    p.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
    p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
    p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, readTimeoutMillis, 0);
    if (!p.openPort()) {
      throw new IOException("cannot open serial port " + device);
    }
    return new SerialLine(p);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    byte[] b = new byte[dst.remaining()];
    int n = in.read(b);
    if (n > 0) {
      dst.put(b, 0, n);
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    byte[] b = new byte[src.remaining()];
    src.get(b);
    out.write(b);
    out.flush();
    return b.length;
  }

  public InputStream inputStream() {
    return in;
  }

  public OutputStream outputStream() {
    return out;
  }

  @Override
  public boolean isOpen() {
    return port.isOpen();
  }

  @Override
  public void close() {
    port.closePort();
  }
}
