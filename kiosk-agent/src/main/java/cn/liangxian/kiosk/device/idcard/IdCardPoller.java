package cn.liangxian.kiosk.device.idcard;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a reader on its own thread, never faster than every 300 ms (the SAM needs the pause, and a faster poll
 * only heats the antenna), and hands each newly placed card to the listener.
 */
public final class IdCardPoller implements AutoCloseable {

  public static final Duration MIN_INTERVAL = Duration.ofMillis(300);
  private static final Logger LOG = LoggerFactory.getLogger(IdCardPoller.class);

  private final IdCardReader reader;
  private final long intervalMillis;
  private final Consumer<IdCard> listener;
  private final Thread thread;
  private volatile boolean running = true;
  private final cn.liangxian.kiosk.device.DeviceHealth health =
      new cn.liangxian.kiosk.device.DeviceHealth(LOG, "id card reader", "");

  public IdCardPoller(IdCardReader reader, Duration interval, Consumer<IdCard> listener) {
    this.reader = reader;
    this.intervalMillis = Math.max(MIN_INTERVAL.toMillis(), interval.toMillis());
    this.listener = listener;
    this.thread = new Thread(this::run, "idcard-poller");
    this.thread.setDaemon(true);
  }

  public IdCardPoller start() {
    thread.start();
    return this;
  }

  public long intervalMillis() {
    return intervalMillis;
  }

  public boolean healthy() {
    return health.healthy();
  }

  private void run() {
    while (running) {
      try {
        Optional<IdCard> card = reader.poll();
        health.well();
        card.ifPresent(listener);
      } catch (IdCardReaderException e) {
        if (e.cardMoved()) {
          // a card moved while being read: the next poll tries again
          health.well();
          LOG.info("id card read failed: {}", e.getMessage());
        } else {
          health.fault(e, running);
        }
      } catch (Exception e) {
        health.fault(e, running);
      }
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() throws java.io.IOException {
    running = false;
    thread.interrupt();
    reader.close();
  }
}
