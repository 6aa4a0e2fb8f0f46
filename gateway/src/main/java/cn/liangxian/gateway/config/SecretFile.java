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
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          // only its owner's from its first byte: created so, never written under the process's umask and narrowed after
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
          Files.createFile(file);
        } catch (java.nio.file.FileAlreadyExistsException made) {
          return Files.readString(file, StandardCharsets.UTF_8).strip(); // another process made it meanwhile
        }
        Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
      }
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + what + " in " + file, e);
    }
  }
}
