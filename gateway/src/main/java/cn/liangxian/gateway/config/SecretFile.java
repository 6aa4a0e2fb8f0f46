package cn.liangxian.gateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** A secret the demo makes for itself on a first start: random, in a file only its owner can read. */
public final class SecretFile {
  private SecretFile() {}

  /** The secret in {@code file}, made (18 random bytes, URL-safe Base64) if the file does not exist yet. */
  public static String readOrCreate(Path file, String what) {
    try {
      if (!Files.exists(file)) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        writeOwnerOnly(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
      }
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + what + " in " + file, e);
    }
  }

  /**
   * Writes {@code content} to {@code file} unless it exists: readable by its owner only from its first byte, and whole or
   * not there at all (written beside it, then linked into place, which fails if another process made it meanwhile: that
   * one's is kept). Whether this call made it.
   */
  public static boolean writeOwnerOnly(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    }
    try {
      durably(tmp, content);
      try {
        Files.createLink(file, tmp);
      } catch (UnsupportedOperationException | java.nio.file.FileSystemException noLinks) {
        if (noLinks instanceof java.nio.file.FileAlreadyExistsException made) {
          throw made;
        }
        // a file system without hard links (vfat, SMB): moved into place, which refuses a file there already too
        Files.move(tmp, file);
      }
      return true;
    } catch (java.nio.file.FileAlreadyExistsException made) {
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes {@code content}, which is no secret (a public key for others to be given), to {@code file} whole, in place of
   * what is there and readable by all: written beside it, then moved into place.
   */
  public static void writeWhole(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      durably(tmp, content);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // nothing to set
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes the file and waits until its bytes are on the disk, before it is linked or moved into place. */
  private static void durably(Path tmp, String content) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE,
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }
}
