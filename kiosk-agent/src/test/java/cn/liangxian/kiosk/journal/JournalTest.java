package cn.liangxian.kiosk.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

  @TempDir
  Path dir;

  @Test
  void settledOrdersAreDroppedWhenTheJournalGrowsAndTheOpenOnesSurvive() throws IOException {
    Path p = dir.resolve("j");
    Clock clock = Clock.fixed(Instant.parse("2020-01-15T02:00:00Z"), ZoneOffset.UTC);
    try (Journal j = Journal.open(p)) {
      OrderJournal o = new OrderJournal(j, clock);
      for (int i = 0; i < 30; i++) {
        o.intent("k" + i, new JsonObject().put("n", i));
        o.order("k" + i, "order-" + i);
        if (i != 7 && i != 21) {
          o.closed("k" + i, "printed");
        }
      }
      assertThat(o.compact(100)).as("below the threshold").isZero();
      assertThat(o.compact(50)).isEqualTo(90 - 2 - 4 - 1);
      assertThat(o.open()).extracting(OrderJournal.Entry::key).containsExactly("k7", "k21");
      o.step("k7", OrderJournal.Step.PAID);
    }
    try (Journal j = Journal.open(p)) {
      OrderJournal o = new OrderJournal(j, clock);
      assertThat(j.size()).isEqualTo(6);
      assertThat(o.open()).extracting(OrderJournal.Entry::key, OrderJournal.Entry::orderId, OrderJournal.Entry::step)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("k7", "order-7", OrderJournal.Step.PAID),
              org.assertj.core.groups.Tuple.tuple("k21", "order-21", OrderJournal.Step.ORDER));
      assertThat(o.lastActivity()).isEqualTo("2020-01-15T02:00:00Z");
      assertThat(o.open().get(1).request().getInteger("n")).isEqualTo(21);
    }
    assertThat(Files.exists(dir.resolve("j.rewrite"))).isFalse();
  }

  @Test
  void aKioskNeverRestartedDropsItsSettledOrdersAsTheyClose() throws IOException {
    Path p = dir.resolve("j");
    Clock clock = Clock.fixed(Instant.parse("2020-01-15T02:00:00Z"), ZoneOffset.UTC);
    int most = 0;
    try (Journal j = Journal.open(p)) {
      OrderJournal o = new OrderJournal(j, clock, 20);
      for (int i = 0; i < 300; i++) {
        o.intent("k" + i, new JsonObject().put("n", i));
        o.order("k" + i, "order-" + i);
        if (i != 7) {
          o.closed("k" + i, "printed");
        }
        most = Math.max(most, j.size());
      }
      assertThat(most).as("the most records the journal held at once").isLessThanOrEqualTo(21);
      assertThat(o.open()).extracting(OrderJournal.Entry::key).containsExactly("k7");
    }
    try (Journal j = Journal.open(p)) {
      assertThat(j.size()).isLessThanOrEqualTo(21);
      assertThat(new OrderJournal(j, clock).open()).extracting(OrderJournal.Entry::key, OrderJournal.Entry::orderId)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("k7", "order-7"));
    }
  }

  @Test
  void recordsSurviveReopening() throws IOException {
    Path p = dir.resolve("j");
    try (Journal j = Journal.open(p)) {
      j.append(new JsonObject().put("n", 1));
      j.append(new JsonObject().put("n", 2).put("text", "缴费"));
    }
    try (Journal j = Journal.open(p)) {
      assertThat(j.records()).extracting(r -> r.getInteger("n")).containsExactly(1, 2);
      assertThat(j.records().get(1).getString("text")).isEqualTo("缴费");
      j.append(new JsonObject().put("n", 3));
    }
    try (Journal j = Journal.open(p)) {
      assertThat(j.records()).hasSize(3);
    }
  }

  @Test
  void aTornLastRecordIsDroppedAndAppendingGoesOn() throws IOException {
    Path p = dir.resolve("j");
    try (Journal j = Journal.open(p)) {
      j.append(new JsonObject().put("n", 1));
      j.append(new JsonObject().put("n", 2));
    }
    long full = Files.size(p);
    for (long cut = full - 1; cut > full - 15; cut--) { // record 2 is 8 + 7 bytes
      Path copy = dir.resolve("cut" + cut);
      Files.copy(p, copy);
      try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
        f.setLength(cut);
      }
      try (Journal j = Journal.open(copy)) {
        assertThat(j.records()).extracting(r -> r.getInteger("n")).containsExactly(1);
        j.append(new JsonObject().put("n", 3));
      }
      try (Journal j = Journal.open(copy)) {
        assertThat(j.records()).extracting(r -> r.getInteger("n")).containsExactly(1, 3);
      }
    }
  }

  @Test
  void aFlippedByteFailsTheChecksum() throws IOException {
    Path p = dir.resolve("j");
    try (Journal j = Journal.open(p)) {
      j.append(new JsonObject().put("n", 1));
      j.append(new JsonObject().put("n", 2));
    }
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.seek(f.length() - 3);
      int b = f.read();
      f.seek(f.length() - 3);
      f.write(b ^ 0x01);
    }
    try (Journal j = Journal.open(p)) {
      assertThat(j.records()).extracting(r -> r.getInteger("n")).containsExactly(1);
    }
  }

  @Test
  void orderJournalTracksEachOrdersLatestStep() throws IOException {
    Clock clock = Clock.fixed(Instant.parse("2020-01-15T02:00:00Z"), ZoneOffset.UTC);
    try (Journal j = Journal.open(dir.resolve("orders"))) {
      OrderJournal o = new OrderJournal(j, clock);
      o.intent("k1", new JsonObject().put("householdRef", "h"));
      o.order("k1", "o1");
      o.intent("k2", new JsonObject());
      o.step("k1", OrderJournal.Step.PAID);
      o.intent("k3", new JsonObject());
      o.closed("k3", "cancelled");
      assertThat(o.open()).extracting(OrderJournal.Entry::key, OrderJournal.Entry::orderId, OrderJournal.Entry::step)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("k1", "o1", OrderJournal.Step.PAID),
              org.assertj.core.groups.Tuple.tuple("k2", null, OrderJournal.Step.INTENT));
      assertThat(o.open().get(0).request().getString("householdRef")).isEqualTo("h");
      assertThat(o.lastActivity()).isEqualTo("2020-01-15T02:00:00Z");
    }
  }
}
