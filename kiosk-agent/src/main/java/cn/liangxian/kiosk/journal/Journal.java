package cn.liangxian.kiosk.journal;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of records, each {@code length (4) | CRC32C (4) | JSON payload}, forced to the disk
 * before {@link #append} returns. On open, a record that is cut short or fails its checksum ends the journal:
 * it and anything after it are dropped (a write torn by a power cut can only be the last one).
 */
public final class Journal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  static final int MAX_RECORD = 1 << 20;

  private final Path path;
  private FileChannel file;
  private final List<JsonObject> records;

  private Journal(Path path, FileChannel file, List<JsonObject> records) {
    this.path = path;
    this.file = file;
    this.records = records;
  }

  public static Journal open(Path path) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    List<JsonObject> records = new ArrayList<>();
    long size = ch.size();
    long at = 0;
    ByteBuffer head = ByteBuffer.allocate(8);
    while (at < size) {
      head.clear();
      if (ch.read(head, at) < 8) {
        break;
      }
      head.flip();
      int len = head.getInt();
      int crc = head.getInt();
      if (len <= 0 || len > MAX_RECORD || at + 8 + len > size) {
        break;
      }
      ByteBuffer payload = ByteBuffer.allocate(len);
      ch.read(payload, at + 8);
      if (crc(payload.array()) != crc) {
        break;
      }
      try {
        records.add(new JsonObject(new String(payload.array(), StandardCharsets.UTF_8)));
      } catch (RuntimeException e) {
        break;
      }
      at += 8 + len;
    }
    if (at < size) {
      LOG.warn("journal: dropping {} bytes of a torn or corrupt record at offset {}", size - at, at);
      ch.truncate(at);
      ch.force(true);
    }
    ch.position(at);
    return new Journal(path, ch, records);
  }

  /**
   * Appends and forces the record to the disk. A write that fails part-way (a full disk) is cut off again, so that
   * the records appended after it are not taken for the rest of a torn record and dropped on the next start.
   */
  public synchronized void append(JsonObject record) throws IOException {
    ByteBuffer b = frame(record);
    long end = file.position();
    try {
      while (b.hasRemaining()) {
        file.write(b);
      }
      file.force(true);
    } catch (IOException e) {
      try {
        file.truncate(end);
        file.position(end);
      } catch (IOException cut) {
        e.addSuppressed(cut);
      }
      throw e;
    }
    records.add(record.copy());
  }

  /** How many records the journal holds. */
  public synchronized int size() {
    return records.size();
  }

  /** The newest record (a copy), or null when there is none. */
  public synchronized JsonObject last() {
    return records.isEmpty() ? null : records.get(records.size() - 1).copy();
  }

  /**
   * Replaces the journal by the records {@code keep} chooses from all of them (oldest first), with no append between
   * the choice and the rewrite. Returns how many records were dropped.
   */
  public synchronized int rewrite(UnaryOperator<List<JsonObject>> keep) throws IOException {
    List<JsonObject> kept = keep.apply(records());
    int dropped = records.size() - kept.size();
    if (dropped > 0) {
      rewrite(kept);
    }
    return dropped;
  }

  /**
   * Replaces the journal by the records kept, as one step a power cut cannot tear: they are written to a file beside
   * it and forced to the disk, which then takes the journal's name (an atomic rename), the folder forced too.
   */
  private void rewrite(List<JsonObject> keep) throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".rewrite");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      for (JsonObject r : keep) {
        ByteBuffer b = frame(r);
        while (b.hasRemaining()) {
          out.write(b);
        }
      }
      out.force(true);
    }
    Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(path.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // a file system that cannot force a folder: the rename is still atomic
    }
    file.close();
    file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    file.position(file.size());
    records.clear();
    keep.forEach(r -> records.add(r.copy()));
  }

  /** Every record, oldest first. */
  public synchronized List<JsonObject> records() {
    return records.stream().map(JsonObject::copy).toList();
  }

  /** A record as the file holds it: length, CRC32C, the JSON. */
  private static ByteBuffer frame(JsonObject record) {
    byte[] p = record.encode().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + p.length);
    b.putInt(p.length).putInt(crc(p)).put(p).flip();
    return b;
  }

  private static int crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return (int) c.getValue();
  }

  @Override
  public synchronized void close() throws IOException {
    file.close();
  }
}
