package cn.liangxian.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import cn.liangxian.gateway.support.LogCapture;
import cn.liangxian.gateway.support.TestGateway;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * On a start's turn, a history this process has seen Flyway complete is not handed to Flyway again (a copy of a migrated
 * database, a second gateway in one process); a history that differs in anything still is, and is refused where Flyway
 * refuses it.
 */
class KnownHistoryTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Logger flyway = (Logger) LoggerFactory.getLogger("org.flywaydb");
  private final ListAppender<ILoggingEvent> said = LogCapture.appender();
  private Level was;

  @BeforeEach
  void listen() {
    was = flyway.getLevel();
    flyway.setLevel(Level.INFO); // what Flyway says it read, validated and applied
    flyway.addAppender(said);
  }

  @AfterEach
  void stopListening() {
    flyway.detachAppender(said);
    flyway.setLevel(was);
  }

  private static String name(String what) {
    return what + "_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
  }

  private boolean flywayLooked() {
    return said.list.stream().anyMatch(e -> e.getFormattedMessage().contains("validated"));
  }

  @Test
  void aCopyOfAMigratedDatabaseIsNotReadAgainButAHistoryChangedInOneFieldIsAndIsRefused() throws Exception {
    Database server = TestGateway.server();
    String first = name("known");
    Database migrated = server.createDatabase(first);
    migrateOnATurn(migrated);
    assertThat(flywayLooked()).as("Flyway validates and migrates a new database: " + said.list).isTrue();
    assertThat(said.list).anyMatch(e -> e.getFormattedMessage().contains("Successfully applied"));

    said.list.clear();
    Database copy = server.createDatabase(name("copy"), first);
    migrateOnATurn(copy);
    assertThat(said.list).as("the copy's history is the one Flyway just completed").isEmpty();
    try (var c = copy.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select count(*) from flyway_schema_history where success")) {
      rs.next();
      assertThat(rs.getLong(1)).as("the copy keeps its schema").isPositive();
    }

    // one checksum changed by hand, as after an applied migration's file was edited: Flyway reads it and refuses it
    Database changed = server.createDatabase(name("changed"), first);
    try (var c = changed.connect(); var st = c.createStatement()) {
      st.execute("update flyway_schema_history set checksum = checksum + 1 where version = '1'");
    }
    assertThatThrownBy(() -> migrateOnATurn(changed)).hasMessageContaining("cannot be brought to this version's schema")
        .hasMessageContaining("checksum mismatch"); // Flyway's own words: it read the history
  }

  @Test
  void aDatabaseWithNoHistoryIsMigratedEvenWhenAnotherWasCompletedBefore() throws Exception {
    Database server = TestGateway.server();
    TestGateway.migratedDatabase(name("before")); // this process has completed a history
    said.list.clear();
    Database empty = server.createDatabase(name("empty"));
    migrateOnATurn(empty);
    assertThat(said.list).anyMatch(e -> e.getFormattedMessage().contains("Successfully applied"));
  }

  /** A command's migration, off any start's turn, is Flyway's every time (and opens no session to look first). */
  @Test
  void offAStartsTurnFlywayAlwaysLooks() throws Exception {
    Database server = TestGateway.server();
    String first = name("command");
    migrateOnATurn(server.createDatabase(first));
    said.list.clear();
    server.createDatabase(name("command_copy"), first).migrate();
    assertThat(flywayLooked()).as("Flyway validated the copy: " + said.list).isTrue();
  }

  /** As a gateway's start migrates: on the connection that holds its turn. */
  private static void migrateOnATurn(Database db) throws Exception {
    try (var turn = db.startupLock()) {
      turn.database().migrate();
    }
  }
}
