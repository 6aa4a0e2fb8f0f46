package cn.liangxian.kiosk.device.sscard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import javax.smartcardio.Card;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.TerminalFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits on a PC/SC reader for a social-security card, reads it once, waits for it to leave. Its own thread.
 *
 * <p>The reader is looked for by the thread, not before: one missing at start (unplugged, pcscd not running) is a fault
 * the heartbeat reports, never a kiosk that cannot start; it is looked for again every {@link #RETRY} until found, and
 * again after it fails (unplugged later), as the ID-card reader's line is opened again. A fault does not forget the card
 * that was read: a card left in the reader while it was unplugged and plugged back is not read again (a second session
 * with the last resident's household); only the reader seen empty lets it be read again.
 */
public final class SocialSecurityCardWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SocialSecurityCardWatcher.class);
  /** How long after a reader not found, or failed, it is looked for again. */
  public static final Duration RETRY = Duration.ofSeconds(5);

  /** The PC/SC readers there are now (pcscd's); may fail, as when pcscd is not running. */
  @FunctionalInterface
  public interface Terminals {
    List<CardTerminal> list() throws Exception;
  }

  private final Terminals terminals;
  private final String want;
  private final long retryMillis;
  private final BiConsumer<String, String> onCard;
  private final Thread thread;
  private volatile boolean running = true;
  private final cn.liangxian.kiosk.device.DeviceHealth health;
  /**
   * The last card handed on (a hash of its number: the number itself is kept no longer than its reading), until the
   * reader is seen without a card. The thread's own.
   */
  private byte[] delivered;

  /** Watches the first reader {@code terminals} lists whose name contains {@code want} (empty: the first reader). */
  public SocialSecurityCardWatcher(Terminals terminals, String want, Duration retry, BiConsumer<String, String> onCard) {
    this.terminals = terminals;
    this.want = want;
    this.retryMillis = Math.max(1, retry.toMillis());
    this.health = new cn.liangxian.kiosk.device.DeviceHealth(LOG, "social-security card reader",
        "looked for again every " + retryMillis + " ms");
    this.onCard = onCard;
    this.thread = new Thread(this::run, "sscard-watcher");
    this.thread.setDaemon(true);
  }

  /** The system's PC/SC reader whose name contains {@code want} (empty: the first reader). */
  public static SocialSecurityCardWatcher pcsc(String want, BiConsumer<String, String> onCard) {
    return new SocialSecurityCardWatcher(SocialSecurityCardWatcher::pcscTerminals, want, RETRY, onCard);
  }

  /**
   * pcscd's readers, from a factory made for this look: the JDK's default factory is chosen once per process, and one
   * chosen while pcscd was not running stays the factory of no readers, so that a reader would never be found. Where no
   * provider offers PC/SC by that name, the default's choice.
   */
  static List<CardTerminal> pcscTerminals() throws Exception {
    TerminalFactory f;
    try {
      f = TerminalFactory.getInstance("PC/SC", null);
    } catch (NoSuchAlgorithmException e) {
      if (e.getCause() != null) {
        throw e; // the provider is there and could not reach pcscd (not running): a fault, looked for again
      }
      f = TerminalFactory.getDefault();
    }
    return f.terminals().list();
  }

  public SocialSecurityCardWatcher start() {
    thread.start();
    return this;
  }

  /** Whether the reader was found and answers (true until the first look says otherwise). */
  public boolean healthy() {
    return health.healthy();
  }

  private void run() {
    CardTerminal terminal = null;
    while (running) {
      if (terminal == null) {
        try {
          terminal = find();
          health.well();
        } catch (Exception e) {
          health.fault(e, running);
          if (!pause(retryMillis)) {
            return;
          }
          continue;
        }
      }
      try {
        if (!terminal.waitForCardPresent(1000)) {
          delivered = null; // seen empty: the next card is read, the last one too when it is put back
          continue;
        }
      } catch (Exception e) {
        // unplugged, or pcscd stopped: looked for again by its name
        health.fault(e, running);
        terminal = null;
        if (!pause(retryMillis)) {
          return;
        }
        continue;
      }
      try {
        Card card = terminal.connect("*");
        try {
          SocialSecurityCard sc = SocialSecurityCardApp.read(card.getBasicChannel());
          byte[] h = hash(sc.ssn());
          if (MessageDigest.isEqual(h, delivered)) {
            // still in the reader since it was read, across a fault (unplugged and plugged back, pcscd restarted)
            LOG.info("the social-security card read before the reader's fault is still in it: not read again");
          } else {
            delivered = h;
            onCard.accept(sc.ssn(), sc.name());
          }
        } finally {
          card.disconnect(false);
        }
      } catch (Exception e) {
        // a card that could not be read (another card, one pulled out while read): the reader itself answers
        LOG.info("social-security card not read: {}", e.toString());
        if (!pause(1000)) {
          return;
        }
        continue;
      }
      try {
        while (running && !terminal.waitForCardAbsent(1000)) {
          // read once per insertion
        }
        delivered = null;
      } catch (Exception e) {
        // the reader itself gone while the card was in it (unplugged, pcscd stopped): a fault, as while waiting for a card;
        // the card read stays read until the reader is seen empty
        health.fault(e, running);
        terminal = null;
        if (!pause(retryMillis)) {
          return;
        }
      }
    }
  }

  private static byte[] hash(String number) throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(number.getBytes(StandardCharsets.UTF_8));
  }

  private CardTerminal find() throws Exception {
    List<CardTerminal> all = terminals.list();
    for (CardTerminal t : all) {
      if (t.getName().contains(want)) {
        return t;
      }
    }
    throw new IllegalStateException("no PC/SC reader named like '" + want + "' (found " + all.size() + ")");
  }

  /** False when the watcher was closed meanwhile. */
  private boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return running;
    } catch (InterruptedException ie) {
      return false;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
