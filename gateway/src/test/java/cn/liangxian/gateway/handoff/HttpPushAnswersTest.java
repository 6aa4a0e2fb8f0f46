package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.channel.agency.AgencyEnvelope;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A receiver's answer counts only for the batch it was sent and the records in it. */
class HttpPushAnswersTest {
  static final KeyPair AGENCY = AgencyEnvelope.generate(AgencyEnvelope.Scheme.SM2);
  static final Receiver LS = new Receiver("ls-medical", "431103", "medical", Receiver.Transport.HTTP, "http://agency.invalid/records",
      AGENCY.getPublic(), StandardCharsets.UTF_8, null);
  static final UUID SENT = UUID.randomUUID();
  static final UUID OTHER = UUID.randomUUID();

  /** The answer as the receiver signs it. */
  static Map<UUID, HttpPush.Answer> answer(String batchId, JsonArray results) {
    Buffer body = new JsonObject().put("batchId", batchId).put("results", results).toBuffer();
    Map<String, String> headers = Map.of(AgencyEnvelope.TIMESTAMP, "1576376430", AgencyEnvelope.NONCE, "n-1",
        AgencyEnvelope.SIGNATURE, AgencyEnvelope.sign(AGENCY.getPrivate(), "1576376430", "n-1", body.getBytes()));
    return HttpPush.answers(LS, 200, headers::get, body, "batch-1", Set.of(SENT));
  }

  static JsonObject result(UUID id, String answer) {
    return new JsonObject().put("recordId", id.toString()).put("answer", answer);
  }

  @Test
  void onlyTheRecordsSentInTheBatchAreAnswered() {
    Map<UUID, HttpPush.Answer> answers = answer("batch-1", new JsonArray().add(result(SENT, "accepted")).add(result(OTHER, "accepted")));
    assertThat(answers).containsOnlyKeys(SENT);
    assertThat(answers.get(SENT).answer()).isEqualTo("accepted");
  }

  @Test
  void anAnswerToAnotherBatchIsNoAnswer() {
    assertThatThrownBy(() -> answer("batch-0", new JsonArray().add(result(SENT, "accepted")))).hasMessageContaining("batch-0");
  }

  @Test
  void aWordTheInterfaceDoesNotHaveLeavesTheRecordToBeSentAgain() {
    assertThat(answer("batch-1", new JsonArray().add(result(SENT, "REFUSED")))).isEmpty();
  }

  /**
   * Only an answer that says the batch itself will not pass (400, 413, 422) has it sent again in parts: a refusal of
   * every sender (403 of an allow-list, a moved address's 404, a signature refused) is waited out, not multiplied.
   */
  @Test
  void onlyABatchTheReceiverWillNotPassIsSentAgainInParts() {
    for (int status : new int[] {400, 413, 422}) {
      assertThatThrownBy(() -> HttpPush.answers(LS, status, h -> null, Buffer.buffer("{}"), "batch-1", Set.of(SENT)))
          .as("HTTP " + status).isInstanceOf(HttpPush.Rejected.class);
    }
    for (int status : new int[] {401, 403, 404, 405, 408, 429, 500, 502, 503}) {
      assertThatThrownBy(() -> HttpPush.answers(LS, status, h -> null, Buffer.buffer("{}"), "batch-1", Set.of(SENT)))
          .as("HTTP " + status).isNotInstanceOf(HttpPush.Rejected.class).hasMessageContaining("HTTP " + status);
    }
  }
}
