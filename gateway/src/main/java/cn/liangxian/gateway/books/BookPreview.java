package cn.liangxian.gateway.books;

import cn.liangxian.gateway.lookup.Household;
import cn.liangxian.gateway.lookup.HouseholdAssessor;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.RegionBooks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a book would change for a sample of a region's households: every member, insurance and year assessed
 * with the books live now and with the new one, counted per status and personal amount, before → after.
 * Pure and CPU-bound: run on a worker.
 */
final class BookPreview {
  private BookPreview() {}

  /** One count: items of an insurance and year with this status and personal amount (fen; null when none is set). */
  private record Key(String insurance, int year, String status, Long personalFen) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = insurance.compareTo(o.insurance);
      c = c != 0 ? c : Integer.compare(year, o.year);
      c = c != 0 ? c : status.compareTo(o.status);
      return c != 0 ? c : Long.compare(personalFen == null ? -1 : personalFen, o.personalFen == null ? -1 : o.personalFen);
    }
  }

  static JsonObject of(List<Household> sample, RegionBooks before, RegionBooks after, LocalDate day, OffsetDateTime now) {
    TreeMap<Key, int[]> counts = new TreeMap<>();
    int members = 0;
    int changed = 0;
    for (Household h : sample) {
      members += h.members().size();
      Map<String, Key> was = new HashMap<>();
      for (HouseholdAssessor.Item it : HouseholdAssessor.assess(h, before, day, now)) {
        Key k = key(it);
        counts.computeIfAbsent(k, x -> new int[2])[0]++;
        was.put(it.member().ref() + "/" + k.insurance() + "/" + k.year(), k);
      }
      for (HouseholdAssessor.Item it : HouseholdAssessor.assess(h, after, day, now)) {
        Key k = key(it);
        counts.computeIfAbsent(k, x -> new int[2])[1]++;
        Key old = was.remove(it.member().ref() + "/" + k.insurance() + "/" + k.year());
        if (!k.equals(old)) {
          changed++;
        }
      }
      changed += was.size(); // items the new books no longer have
    }
    JsonArray rows = new JsonArray();
    counts.forEach((k, n) -> rows.add(new JsonObject().put("insurance", k.insurance()).put("year", k.year())
        .put("status", k.status()).put("personalFen", k.personalFen()).put("before", n[0]).put("after", n[1])));
    return new JsonObject().put("day", day.toString()).put("households", sample.size()).put("members", members)
        .put("changedItems", changed).put("counts", rows);
  }

  private static Key key(HouseholdAssessor.Item it) {
    Long fen = it.assessment() == null || !it.assessment().eligible() ? null : it.assessment().personalFen();
    return new Key(it.insurance().code(), it.year(), it.status().code, fen);
  }

  /** The books live on a day, as the audit log shows them: which book sets each insurance and year. */
  static JsonObject summary(RegionBooks books, LocalDate day) {
    JsonArray out = new JsonArray();
    for (Insurance ins : Insurance.values()) {
      for (int year : books.years(ins)) {
        PolicyBook b = books.book(ins, year).orElseThrow();
        out.add(new JsonObject().put("insurance", ins.code()).put("year", year).put("book", b.id()).put("file", b.file()));
      }
    }
    return new JsonObject().put("day", day.toString()).put("books", out);
  }
}
