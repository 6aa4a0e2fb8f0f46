package cn.liangxian.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret made on a first start: random, readable by its owner only, and the same secret read at every later start. */
class SecretFileTest {
  @TempDir
  Path dir;

  @Test
  void madeOnceOwnerOnlyAndReadTheSameAfterwards() throws Exception {
    Path file = dir.resolve("keys/operator-admin.password");
    String first = SecretFile.readOrCreate(file, "a test secret");
    assertThat(first).hasSize(24).matches("[A-Za-z0-9_-]+");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(SecretFile.readOrCreate(file, "a test secret")).isEqualTo(first);
    assertThat(SecretFile.readOrCreate(dir.resolve("other"), "another")).isNotEqualTo(first);
    // nothing left beside them while they were written
    try (var left = Files.list(file.getParent())) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("operator-admin.password");
    }
  }

  /** A file another process made first is kept, whole: writing it again changes nothing and says so. */
  @Test
  void aFileMadeMeanwhileIsKept() throws Exception {
    Path file = dir.resolve("k");
    assertThat(SecretFile.writeOwnerOnly(file, "first\n")).isTrue();
    assertThat(SecretFile.writeOwnerOnly(file, "second\n")).isFalse();
    assertThat(Files.readString(file)).isEqualTo("first\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("k");
    }
  }
}
