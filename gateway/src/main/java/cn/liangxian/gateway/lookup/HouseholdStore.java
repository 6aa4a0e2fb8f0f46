package cn.liangxian.gateway.lookup;

import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.policy.AppliedRule;
import cn.liangxian.policy.Identity;
import cn.liangxian.policy.Sex;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads households in one round trip: members, their categories and holds (each with the tier, amounts and cover its
 * order recorded, a paid one with the difference refunded of it), as JSON aggregated by PostgreSQL. A member comes
 * with the birth date, sex and masked number stored beside the encrypted one: reading a household decrypts no number,
 * only the masked number's sealed tail (one SM4 block, see {@link PersonalDataCipher#masked}).
 */
public final class HouseholdStore {
  private static final String MEMBERS = "select p.id, p.ref, p.id_masked, p.id_tail, p.birth_date, p.sex, p.spouse_birth_date, p.spouse_sex,"
      + " p.medical_last_year,"
      + " p.name, p.local,"
      + " p.enrolled_elsewhere, h.id as household_id, h.ref as household_ref, h.stamp, v.region_code, v.township,"
      + " v.name as village,"
      // each aggregate null when there is nothing to aggregate (most members): nothing for the gateway to parse
      + " (select json_agg(json_build_object('c', pc.category, 'f', pc.valid_from, 't', pc.valid_to))"
      + "   from person_category pc where pc.person_id = p.id"
      // a cross-check an operator resolved leaves only the category chosen (until then: the most favourable)
      + "   and not exists (select 1 from cross_check x where x.person_id = p.id and x.resolved_category <> pc.category))"
      + " as categories,"
      + " (select json_agg(json_build_object('i', r.insurance, 'y', r.year, 'p', r.paid, 'u', r.held_until, 'o', r.order_id,"
      + "     'pa', o.paid_at, 'x', case when i.order_id is not null then json_build_object('t', i.tier_yuan, 'pf', i.personal_fen,"
      + "     'gf', i.government_fen, 'sf', i.subsidy_fen, 'lf', i.later_fen, 'tf', i.total_fen, 'r', i.rules,"
      + "     'cs', i.coverage_start, 'ce', i.coverage_end, 'rf', d.amount_fen) end))"
      + "   from reservation r left join orders o on r.paid and o.id = r.order_id"
      // the tier, amounts and cover of an item paid or being paid as its order recorded them (by the item's primary key):
      // what the lookup shows
      + "   left join order_item i on i.order_id = r.order_id and i.person_id = r.person_id"
      + "   and i.insurance = r.insurance and i.year = r.year"
      // less the differences given back to a paid item once the channel confirmed them, or finance paid them back another
      // way after the channel refused them (by their numbers, ItemRefund's: the order's trade number, the person, M or P
      // and D, D2...); a whole item given back is no longer reserved at all
      + "   left join lateral (select sum(d.amount_fen) as amount_fen from refund d where r.paid and d.order_id = r.order_id"
      + "   and (d.state = 'SUCCESS' or d.settled_at is not null) and d.out_refund_no ~ ('^' || replace(r.order_id::text, '-', '')"
      + "   || '-' || r.person_id || case r.insurance when 'medical' then 'M' else 'P' end || 'D[0-9]*$')) d on true"
      + "   where r.person_id = p.id) as holds,"
      // what an agency said settles an item without a payment here (see AgencyNote)
      + " (select json_agg(json_build_object('k', a.kind, 'i', a.insurance, 'y', a.year, 'p', a.place))"
      + "   from agency_change a where a.person_id = p.id and a.kind <> 'CATEGORY') as agency"
      + " from person p join household h on h.id = p.household_id join village v on v.id = h.village_id";

  /**
   * The household of the person with this blind index and this name, compared as names are (person_name_key: blanks,
   * the middle dot's look-alikes, case; a name of fifteen characters or more, all an ID card holds, matches the roster's
   * longer name it begins: person_name_matches); a wrong name finds nothing.
   */
  static final String BY_PERSON = MEMBERS + " where p.household_id = (select household_id from person where id_index = $1"
      + " and person_name_matches(name_key, $2)) order by p.birth_date, p.id";
  /** As {@link #BY_PERSON}, but only which household and its stamp: all a lookup reads when its answer is kept. */
  static final String STAMP_BY_PERSON = "select h.id, h.stamp, v.region_code from person p"
      + " join household h on h.id = p.household_id join village v on v.id = h.village_id"
      + " where p.id_index = $1 and person_name_matches(p.name_key, $2)";
  static final String BY_ID = MEMBERS + " where h.id = $1 order by p.birth_date, p.id";
  static final String BY_REF = MEMBERS + " where h.ref = $1 order by p.birth_date, p.id";
  static final String BY_VILLAGE = MEMBERS + " where v.region_code = $1 and v.township = $2 and v.name = $3"
      + " order by h.roster_ref, h.id, p.birth_date, p.id";

  /** The first households of a region (a sample for a book's preview), in the order they were added. */
  static final String SAMPLE = MEMBERS + " where h.id in (select h2.id from household h2 join village v2 on v2.id = h2.village_id"
      + " where v2.region_code = $1 order by h2.id limit $2) order by h.id, p.birth_date, p.id";

  /** What a lookup runs: prepared on every connection at start-up. */
  public static final List<String> LOOKUP_STATEMENTS = List.of(BY_PERSON, STAMP_BY_PERSON, BY_ID);

  /** Every statement above, checked against the schema at start-up. */
  public static final List<String> STATEMENTS = List.of(BY_PERSON, STAMP_BY_PERSON, BY_ID, BY_REF, BY_VILLAGE, SAMPLE);

  private final PersonalDataCipher cipher;

  /** @param cipher opens the masked numbers' tails */
  public HouseholdStore(PersonalDataCipher cipher) {
    this.cipher = cipher;
  }

  private static byte[] tail(Buffer b) {
    return b == null ? null : b.getBytes();
  }

  /** Which household a person is in, and its stamp as read. */
  public record Stamp(long householdId, long stamp, String regionCode) {}

  public Future<Optional<Stamp>> stampByPerson(SqlClient db, byte[] idIndex, String name) {
    return db.preparedQuery(STAMP_BY_PERSON).execute(Tuple.of(Buffer.buffer(idIndex), name)).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      Row r = it.next();
      return Optional.of(new Stamp(r.getLong(0), r.getLong(1), r.getString(2)));
    });
  }

  private static List<AgencyNote> agency(Row r) {
    List<AgencyNote> notes = new ArrayList<>();
    for (Object o : json(r.getValue(AGENCY))) {
      JsonObject a = (JsonObject) o;
      notes.add(new AgencyNote(a.getString("k"), a.getString("i"), a.getInteger("y"), a.getString("p")));
    }
    return notes;
  }

  public Future<Optional<Household>> byPerson(SqlClient db, byte[] idIndex, String name) {
    return db.preparedQuery(BY_PERSON).execute(Tuple.of(Buffer.buffer(idIndex), name)).map(this::household);
  }

  public Future<Optional<Household>> byId(SqlClient db, long householdId) {
    return db.preparedQuery(BY_ID).execute(Tuple.of(householdId)).map(this::household);
  }

  public Future<Optional<Household>> byRef(SqlClient db, UUID ref) {
    return db.preparedQuery(BY_REF).execute(Tuple.of(ref)).map(this::household);
  }

  /** Every household of a village, in roster order; a whole village is read into objects on a worker. */
  public Future<List<Household>> byVillage(io.vertx.core.Vertx vertx, SqlClient db, String region, String township, String village) {
    return db.preparedQuery(BY_VILLAGE).execute(Tuple.of(region, township, village))
        .compose(rows -> vertx.executeBlocking(() -> grouped(rows), false));
  }

  /** Up to {@code limit} households of a region, the first added; read into objects on a worker. */
  public Future<List<Household>> sample(io.vertx.core.Vertx vertx, SqlClient db, String region, int limit) {
    return db.preparedQuery(SAMPLE).execute(Tuple.of(region, limit))
        .compose(rows -> vertx.executeBlocking(() -> grouped(rows), false));
  }

  /** Rows ordered by household, one household per run of rows. */
  private List<Household> grouped(Iterable<Row> rows) {
    List<Household> out = new ArrayList<>();
    List<Row> current = new ArrayList<>();
    for (Row r : rows) {
      if (!current.isEmpty() && current.get(0).getLong(HOUSEHOLD_ID) != r.getLong(HOUSEHOLD_ID).longValue()) {
        out.add(household(current).orElseThrow());
        current = new ArrayList<>();
      }
      current.add(r);
    }
    if (!current.isEmpty()) {
      out.add(household(current).orElseThrow());
    }
    return out;
  }

  /**
   * The columns of {@link #MEMBERS} in their order, read by position: read by name, each value was a search of the twenty
   * names, on every row of every lookup. Each position below is found in this list, never written twice; the list is
   * checked against the statement's own names the first time rows are read.
   */
  private static final List<String> COLUMNS = List.of("id", "ref", "id_masked", "id_tail", "birth_date", "sex", "spouse_birth_date",
      "spouse_sex", "medical_last_year", "name", "local", "enrolled_elsewhere", "household_id", "household_ref", "stamp",
      "region_code", "township", "village", "categories", "holds", "agency");
  private static final int ID = column("id");
  private static final int REF = column("ref");
  private static final int ID_MASKED = column("id_masked");
  private static final int ID_TAIL = column("id_tail");
  private static final int BIRTH_DATE = column("birth_date");
  private static final int SEX = column("sex");
  private static final int SPOUSE_BIRTH_DATE = column("spouse_birth_date");
  private static final int SPOUSE_SEX = column("spouse_sex");
  private static final int MEDICAL_LAST_YEAR = column("medical_last_year");
  private static final int NAME = column("name");
  private static final int LOCAL = column("local");
  private static final int ENROLLED_ELSEWHERE = column("enrolled_elsewhere");
  private static final int HOUSEHOLD_ID = column("household_id");
  private static final int HOUSEHOLD_REF = column("household_ref");
  private static final int STAMP = column("stamp");
  private static final int REGION_CODE = column("region_code");
  private static final int TOWNSHIP = column("township");
  private static final int VILLAGE = column("village");
  private static final int CATEGORIES = column("categories");
  private static final int HOLDS = column("holds");
  private static final int AGENCY = column("agency");
  private static volatile boolean columnsChecked;

  /** The position of a column {@link #COLUMNS} names. */
  private static int column(String name) {
    int i = COLUMNS.indexOf(name);
    if (i < 0) {
      throw new IllegalStateException("HouseholdStore.COLUMNS names no column " + name);
    }
    return i;
  }

  /** That the statement's columns are those {@link #COLUMNS} names, in that order (once: the statements are constants). */
  static void checkColumns(Row r) {
    if (columnsChecked) {
      return;
    }
    for (int i = 0; i < COLUMNS.size(); i++) {
      if (!COLUMNS.get(i).equals(r.getColumnName(i))) {
        throw new IllegalStateException("HouseholdStore.MEMBERS selects " + r.getColumnName(i) + " as column " + i
            + ", read as " + COLUMNS.get(i) + ": keep COLUMNS in the statement's order");
      }
    }
    columnsChecked = true;
  }

  private Optional<Household> household(Iterable<Row> rows) {
    List<Household.Member> members = new ArrayList<>();
    Row first = null;
    for (Row r : rows) {
      if (first == null) {
        checkColumns(r);
        first = r;
      }
      List<Household.CategoryRow> cats = new ArrayList<>();
      for (Object o : json(r.getValue(CATEGORIES))) {
        JsonObject c = (JsonObject) o;
        cats.add(new Household.CategoryRow(c.getString("c"),
            c.getString("f") == null ? null : LocalDate.parse(c.getString("f")),
            c.getString("t") == null ? null : LocalDate.parse(c.getString("t"))));
      }
      List<Household.Hold> holds = new ArrayList<>();
      for (Object o : json(r.getValue(HOLDS))) {
        JsonObject h = (JsonObject) o;
        holds.add(new Household.Hold(h.getString("i"), h.getInteger("y"), h.getBoolean("p"),
            h.getString("u") == null ? null : OffsetDateTime.parse(h.getString("u")), UUID.fromString(h.getString("o")),
            h.getString("pa") == null ? null : OffsetDateTime.parse(h.getString("pa")), orderItem(h.getJsonObject("x"))));
      }
      Identity identity = Identity.of(r.getLocalDate(BIRTH_DATE), "M".equals(r.getString(SEX)) ? Sex.MALE : Sex.FEMALE,
          cipher.masked(r.getString(ID_MASKED), tail(r.getBuffer(ID_TAIL))));
      LocalDate spouseBirth = r.getLocalDate(SPOUSE_BIRTH_DATE);
      Identity spouse = spouseBirth == null ? null : Identity.of(spouseBirth,
          "M".equals(r.getString(SPOUSE_SEX)) ? Sex.MALE : Sex.FEMALE, "");
      members.add(new Household.Member(r.getLong(ID), r.getUUID(REF), identity, r.getString(NAME), r.getBoolean(LOCAL),
          r.getBoolean(ENROLLED_ELSEWHERE), cats, holds, agency(r), spouse, r.getInteger(MEDICAL_LAST_YEAR)));
    }
    if (first == null) {
      return Optional.empty();
    }
    return Optional.of(new Household(first.getLong(HOUSEHOLD_ID), first.getUUID(HOUSEHOLD_REF),
        first.getString(REGION_CODE), first.getString(TOWNSHIP), first.getString(VILLAGE), first.getLong(STAMP),
        members));
  }

  /** What an order recorded for an item it holds or paid (null: none read). */
  private static Household.OrderItem orderItem(JsonObject x) {
    if (x == null) {
      return null;
    }
    List<AppliedRule> rules = new ArrayList<>();
    for (Object o : json(x.getValue("r"))) {
      JsonObject r = (JsonObject) o;
      rules.add(new AppliedRule(r.getString("id"), r.getString("source")));
    }
    return new Household.OrderItem(x.getInteger("t"), x.getLong("pf"), x.getLong("gf"), x.getLong("sf"), x.getLong("lf"),
        x.getLong("tf"), rules, date(x.getString("cs")), date(x.getString("ce")), x.getValue("rf") == null ? 0 : x.getLong("rf"));
  }

  private static LocalDate date(String d) {
    return d == null ? null : LocalDate.parse(d);
  }

  private static JsonArray json(Object v) {
    if (v instanceof JsonArray a) {
      return a;
    }
    return v == null ? new JsonArray() : new JsonArray(v.toString());
  }
}
