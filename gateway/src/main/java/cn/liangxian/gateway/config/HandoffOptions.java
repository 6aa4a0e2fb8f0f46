package cn.liangxian.gateway.config;

import java.util.List;

/**
 * The {@code handoff:} section: how paid contributions reach the agencies that turn them into coverage.
 * Each receiver serves one region and insurance, over HTTP push or daily files; without receivers the
 * demo wires its agency simulator. Read strictly like the rest of the file.
 */
public record HandoffOptions(int sweepMillis, int batchSize, int pushTimeoutMillis, String keyFile, String scheme,
    int refundDelayMinutes, String fileFolder, int fileRecords, List<Receiver> receivers) {

  /** One receiving system: its region and insurance, transport, address or folder, and its public key file. */
  public record Receiver(String name, String region, String insurance, String transport, String url, String keyFile,
      String charset, String folder) {}

  static HandoffOptions read(Settings h) {
    List<Receiver> receivers = h.sections("receivers").stream().map(HandoffOptions::receiver).toList();
    HandoffOptions o = new HandoffOptions(h.integer("sweepMillis", "GATEWAY_HANDOFF_SWEEP_MILLIS", 2000, 10, 3_600_000),
        h.integer("batchSize", "GATEWAY_HANDOFF_BATCH_SIZE", 100, 1, 10_000),
        h.integer("pushTimeoutMillis", "GATEWAY_HANDOFF_PUSH_TIMEOUT_MILLIS", 20_000, 100, 600_000),
        h.string("keyFile", null, "handoff-key.pem"), h.oneOf("scheme", null, "SM2", List.of("SM2", "RSA")),
        h.integer("refundDelayMinutes", "GATEWAY_HANDOFF_REFUND_DELAY_MINUTES", 72 * 60, 0, 365 * 24 * 60),
        h.string("fileFolder", "GATEWAY_HANDOFF_FILE_FOLDER", null),
        h.integer("fileRecords", "GATEWAY_HANDOFF_FILE_RECORDS", 10_000, 1, 1_000_000), receivers);
    h.done();
    return o;
  }

  private static Receiver receiver(Settings r) {
    String transport = r.oneOf("transport", null, "http", List.of("http", "file"));
    Receiver out = new Receiver(r.required("name"), r.required("region"), r.oneOf("insurance", null, null, List.of("medical", "pension")),
        transport, r.string("url", null, null), r.required("keyFile"), r.oneOf("charset", null, "UTF-8", List.of("UTF-8", "GB18030")),
        r.string("folder", null, null));
    if (out.insurance() == null) {
      r.required("insurance");
    }
    if (transport.equals("http") && out.url() == null) {
      r.required("url");
    }
    r.done();
    return out;
  }
}
