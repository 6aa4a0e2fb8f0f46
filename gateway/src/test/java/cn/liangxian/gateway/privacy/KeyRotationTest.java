package cn.liangxian.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.gateway.MainAccess;
import cn.liangxian.gateway.payment.CallbackLog;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The personal-data key changed: older keys open what they sealed, and {@code gateway keys reseal} moves it all over. */
class KeyRotationTest {
  static final byte[] INDEX = filled(32, 9);

  static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) v);
    return b;
  }

  @Test
  void anOlderKeyOpensWhatItSealedAndTheCurrentOneSealsWhatIsNew() throws Exception {
    PersonalDataCipher old = new PersonalDataCipher(filled(16, 1), INDEX);
    PersonalDataCipher both = new PersonalDataCipher(filled(16, 2), List.of(filled(16, 1)), INDEX);
    PersonalDataCipher fresh = new PersonalDataCipher(filled(16, 2), INDEX);
    String id = "371312198001011231";
    byte[] enc = old.encrypt(id);
    byte[] tail = old.sealTail(id);
    byte[] phone = old.seal("13800001111".getBytes(StandardCharsets.UTF_8), PersonalDataCipher.GUARDIAN_PHONE);
    assertThat(both.decrypt(enc)).isEqualTo(id);
    assertThat(both.masked("3713**************", tail)).isEqualTo("3713**********1231");
    assertThat(both.open(phone, PersonalDataCipher.GUARDIAN_PHONE)).asString(StandardCharsets.UTF_8).isEqualTo("13800001111");
    assertThat(both.index(id)).isEqualTo(old.index(id));
    // what is sealed now is the current key's: the old key alone does not open it, the new one alone does
    assertThatThrownBy(() -> old.decrypt(both.encrypt(id))).isInstanceOf(IllegalStateException.class);
    assertThat(fresh.decrypt(both.encrypt(id))).isEqualTo(id);
    assertThat(fresh.masked("3713**************", both.sealTail(id))).isEqualTo("3713**********1231");
    // a tail of a key not given shows starred, never other digits
    assertThat(fresh.masked("3713**************", tail)).isEqualTo("3713**************");
    assertThat(both.tailUnderCurrentKey(tail)).isFalse();
    assertThat(both.tailUnderCurrentKey(both.sealTail(id))).isTrue();
  }

  /** A tail names its key by one byte: two keys with the same byte cannot be given together. */
  @Test
  void twoKeysATailCannotTellApartAreRefusedNamingWhatToDo() {
    Map<Byte, byte[]> byTag = new HashMap<>();
    byte[] first = null;
    byte[] second = null;
    for (int i = 0; i < 10_000 && second == null; i++) {
      byte[] k = java.nio.ByteBuffer.allocate(16).putInt(i).array();
      byte tag = new PersonalDataCipher(k, INDEX).sealTail("371312198001011231")[0];
      if (byTag.containsKey(tag)) {
        first = byTag.get(tag);
        second = k;
      }
      byTag.put(tag, k);
    }
    byte[] a = first;
    byte[] b = second;
    assertThat(b).isNotNull();
    assertThatThrownBy(() -> new PersonalDataCipher(filled(16, 7), List.of(a, b), INDEX))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same one-byte tag").hasMessageContaining("openssl rand");
    // the current key among the older ones too is one key, not a clash
    assertThat(new PersonalDataCipher(a, List.of(a), INDEX).olderKeys()).isZero();
  }

  @Test
  void theOlderKeysAreReadFromTheEnvironmentOrAFileAndABadOneIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    String k1 = Base64.getEncoder().encodeToString(filled(16, 1));
    String k3 = Base64.getEncoder().encodeToString(filled(16, 3));
    assertThat(PersonalDataCipher.olderKeys(dir, Map.of())).isEmpty();
    assertThat(PersonalDataCipher.olderKeys(dir, Map.of("GATEWAY_ID_SM4_OLD_KEYS", k1 + ", " + k3))).hasSize(2);
    Files.writeString(dir.resolve(PersonalDataCipher.OLD_KEYS_FILE), "\uFEFF# the key before March\r\n" + k1 + "\r\n\n" + k3 + "  # and before\n");
    assertThat(PersonalDataCipher.olderKeys(dir, Map.of())).hasSize(2);
    assertThatThrownBy(() -> PersonalDataCipher.olderKeys(dir, Map.of("GATEWAY_ID_SM4_OLD_KEYS", k1 + ",c2hvcnQ=")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GATEWAY_ID_SM4_OLD_KEYS (key 2)")
        .hasMessageContaining("5 bytes").hasMessageNotContaining("c2hvcnQ");
  }

  /**
   * The three steps of a change, on a deployment's database: an instance with the new key and the old one among the
   * older serves what the old key sealed; {@code gateway keys reseal} seals it all again; then an instance with the new
   * key alone reads everything, and the reseal run again finds nothing.
   */
  @Test
  void aDeploymentsKeyIsChangedAndEverythingResealed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    TestGateway g = Fixture.load(new TestGateway());
    TestGateway changed = null;
    try {
      // more persons than a batch of the reseal
      StringBuilder csv = new StringBuilder("region_code,township,village,household,id_number,name,local,guardian_id_number,"
          + "guardian_name,guardian_phone,enrolled_elsewhere\n");
      for (int i = 0; i < KeyRotation.BATCH + 20; i++) {
        String id = TestGateway.id("371312", java.time.LocalDate.parse("1960-01-01").plusDays(i / 900).toString(), 1 + i % 900);
        csv.append("371312,汤头街道,汤头村,K").append(i / 4).append(',').append(id).append(",某人,true,,,,false\n");
      }
      assertThat(g.importCsv("many.csv", csv.toString()).imported()).isEqualTo(KeyRotation.BATCH + 20);
      int persons = KeyRotation.BATCH + 20 + 7;
      JsonObject paid = g.payZhangFamilyMedical(g.lookup(Fixture.ZHANG, "张三"), "wechat");
      String oldKey = Files.readString(g.keyDir().resolve("id-sm4.key")).strip();
      byte[] indexKey = Base64.getDecoder().decode(Files.readString(g.keyDir().resolve("id-index.key")).strip());
      // a new key a sealed tail can tell from the old one (the generated old key's tag is random: one new key in 256
      // would share it, and is refused as twoKeysATailCannotTellApartAreRefusedNamingWhatToDo shows)
      byte oldTag = new PersonalDataCipher(Base64.getDecoder().decode(oldKey), indexKey).sealTail("371312198001011231")[0];
      int fill = 5;
      while (new PersonalDataCipher(filled(16, fill), indexKey).sealTail("371312198001011231")[0] == oldTag) {
        fill++;
      }
      String newKey = Base64.getEncoder().encodeToString(filled(16, fill));
      Map<String, String> step2 = Map.of("GATEWAY_ID_SM4_KEY", newKey, "GATEWAY_ID_SM4_OLD_KEYS", oldKey);

      Map<String, String> step1 = Map.of("GATEWAY_ID_SM4_KEY", oldKey, "GATEWAY_ID_SM4_OLD_KEYS", newKey);
      String late = TestGateway.id("320682", "1990-02-02", 777);
      // the first instance was never given the new key: one beginning to seal under it is refused meanwhile
      TestGateway original = g;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestGateway.beside(original, step2).close())
          .hasStackTraceContaining("cannot open").hasStackTraceContaining("the first step of a change");
      TestGateway first = TestGateway.beside(g, step1);
      g.close();
      g = first; // step 1 done on every instance
      changed = TestGateway.beside(first, step2);
      assertThat(masks(changed.lookup(Fixture.ZHANG, "张三"))).contains(TestGateway.masked(Fixture.ZHANG), TestGateway.masked(Fixture.CHILD));
      // what an instance at step 2 seals, one still at step 1 reads: that is what step 1 is for
      assertThat(changed.importCsv("late.csv", "region_code,township,village,household,id_number,name,local,"
          + "guardian_id_number,guardian_name,guardian_phone,enrolled_elsewhere\n320682,如城街道,大明社区,RG9," + late
          + ",晚一,true,,,,false\n").imported()).isOne();
      assertThat(masks(first.lookup(late, "晚一"))).containsExactly(TestGateway.masked(late));
      persons++;
      // and one started meanwhile without the new key could not read what that one writes: refused
      TestGateway stepOne = first;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestGateway.beside(stepOne,
          Map.of("GATEWAY_ID_SM4_KEY", oldKey, "GATEWAY_ID_SM4_OLD_KEYS", "")).close())
          .hasStackTraceContaining("seals under an SM4 key this one was not given");

      // one number sealed under a key nobody gave: said, left as it is, the rest done
      // a key other than the new one, whatever fill the search above settled on (6, once in 256 runs)
      PersonalDataCipher stranger = new PersonalDataCipher(filled(16, fill + 1), indexKey);
      setIdEnc(changed, Fixture.LIU2, stranger.encrypt(Fixture.LIU2));
      Map<String, String> cli = changed.commandEnv(dir, Map.of());
      String[] out = new String[2];
      // at step 1 the reseal would retire the new key: refused, nothing written
      Map<String, String> atStep1 = new HashMap<>(cli);
      atStep1.putAll(step1);
      assertThat(run(atStep1, out)).isEqualTo(2);
      assertThat(out[1]).contains("keys reseal refused", "first step of a change");
      cli = new HashMap<>(cli);
      cli.putAll(step2);
      // an instance still at step 1 seals under the old key: refused while it is connected
      assertThat(run(cli, out)).isEqualTo(2);
      assertThat(out[1]).contains("seal under another SM4 key", "Finish step 2 on every instance");
      g.close();
      g = null;
      assertThat(run(cli, out)).as(out[1]).isOne();
      // all but the one no key opens and the one sealed at step 2
      assertThat(out[0]).contains("sealed again under the current key: " + (persons - 2) + " ID numbers, " + (persons - 2)
          + " masked numbers' tails, 1 guardians' phones");
      assertThat(out[1]).contains("1 values open with none of the keys given");
      assertThat(out[0] + out[1]).doesNotContain(oldKey, newKey, Fixture.ZHANG);

      PersonalDataCipher fresh = new PersonalDataCipher(Base64.getDecoder().decode(newKey), indexKey);
      setIdEnc(changed, Fixture.LIU2, fresh.encrypt(Fixture.LIU2)); // the key found
      assertThat(run(cli, out)).as(out[1]).isZero();
      assertThat(out[0]).contains("sealed again under the current key: 0 ID numbers, 1 masked numbers' tails, 0 guardians' phones",
          "nothing is left under an older key");

      List<String> ids = new ArrayList<>();
      try (Connection c = changed.db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("select id_enc, guardian_phone_enc, id_masked, id_tail from person order by id")) {
        while (rs.next()) {
          ids.add(fresh.decrypt(rs.getBytes(1)));
          assertThat(fresh.masked(rs.getString(3), rs.getBytes(4))).isEqualTo(TestGateway.masked(ids.get(ids.size() - 1)));
          if (rs.getBytes(2) != null) {
            assertThat(fresh.open(rs.getBytes(2), PersonalDataCipher.GUARDIAN_PHONE)).asString(StandardCharsets.UTF_8).isEqualTo("13800001111");
          }
        }
      }
      assertThat(ids).hasSize(persons).contains(Fixture.ZHANG, Fixture.CHEN);
      assertThat(CallbackLog.show(changed.db, fresh, paid.getString("id"))).isNotEmpty().allSatisfy(s -> assertThat(s).contains("TRANSACTION.SUCCESS"));
      SharedKeys.check(changed.db, fresh);

      try (TestGateway after = TestGateway.beside(changed, Map.of("GATEWAY_ID_SM4_KEY", newKey, "GATEWAY_ID_SM4_OLD_KEYS", ""))) {
        assertThat(masks(after.lookup(Fixture.ZHANG, "张三"))).contains(TestGateway.masked(Fixture.ZHANG), TestGateway.masked(Fixture.CHILD));
      }
      // an instance left with the settings of before: its current key was retired, it would seal what others cannot open
      var db = changed.db;
      assertThatThrownBy(() -> SharedKeys.check(db, new PersonalDataCipher(Base64.getDecoder().decode(oldKey),
          List.of(Base64.getDecoder().decode(newKey)), indexKey)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("retired by `gateway keys reseal`");
    } finally {
      if (changed != null) {
        changed.close();
      }
      if (g != null) {
        g.close();
      }
    }
  }

  private static void setIdEnc(TestGateway g, String id, byte[] enc) throws Exception {
    try (Connection c = g.db.connect(); var st = c.prepareStatement("update person set id_enc = ? where id_index = ?")) {
      st.setBytes(1, enc);
      st.setBytes(2, g.gateway.cipher().index(id));
      assertThat(st.executeUpdate()).isOne();
    }
  }

  private static List<String> masks(JsonObject household) {
    JsonArray members = household.getJsonArray("members");
    return members.stream().map(m -> ((JsonObject) m).getString("idNumber")).toList();
  }

  private static int run(Map<String, String> env, String[] outAndErr) {
    MainAccess.Ran ran = MainAccess.captured(env, "keys", "reseal");
    outAndErr[0] = ran.out();
    outAndErr[1] = ran.err();
    return ran.status();
  }

}
