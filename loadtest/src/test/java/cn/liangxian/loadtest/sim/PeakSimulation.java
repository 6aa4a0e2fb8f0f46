package cn.liangxian.loadtest.sim;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.incrementUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import cn.liangxian.loadtest.Journey;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The end-of-window peak on one gateway, open model (residents arrive whatever the gateway's state):
 * <ul>
 *   <li>"journey": mini-program login (a code from the channel, exchanged for a session) → lookup → order
 *       (WeChat or Alipay, kiosk QR or mini-program) → pay on the channel sandbox → the channel's callback →
 *       one held status request ({@code ?waitSeconds=20}, answered when the callback is applied) until PAID →
 *       receipt;</li>
 *   <li>"lookups": families checking what they owe before and after paying, two or three lookups each.</li>
 * </ul>
 * Profiles ({@code -Dloadtest.profile}): {@code short} (the one-command run: ramp, hold, midnight spike,
 * about 100 s), {@code peak} (the same over about 8 minutes), {@code soak} (a steady rate for
 * {@code -Dloadtest.soakMinutes}, 30 by default, to run by hand), {@code overload} (35 s at a sixth of the rates given
 * (half the knee), then the rates, meant as three times the knee, for 65 s with their ramp, then a minute at a sixth
 * again: refusals are expected, so only the lost-payment check and the gateway's own metrics judge it), {@code knee} (journeys only, in levels of
 * {@code -Dloadtest.kneeStep} journeys/s more each, {@code kneeLevels} of them lasting {@code kneeLevelSeconds}:
 * the run's scrapes of the gateway's metrics find the last level it still served), {@code warm-up} (the rates given for
 * {@code -Dloadtest.warmUpSeconds}, before a measured run and on residents it does not ask for, judged by nothing). Rates, base URLs and the pass marks
 * (p99, error share) are system properties; see loadtest/README.md.
 */
public class PeakSimulation extends Simulation {
  static final String BASE = System.getProperty("loadtest.base", "http://127.0.0.1:18080");
  static final String SANDBOX = System.getProperty("loadtest.sandbox", "http://127.0.0.1:18090");
  static final String RESIDENTS = System.getProperty("loadtest.residents", "target/population/residents.csv");
  static final String PROFILE = System.getProperty("loadtest.profile", "short");
  static final double JOURNEYS = Double.parseDouble(System.getProperty("loadtest.journeysPerSecond", "20"));
  static final double LOOKUPS = Double.parseDouble(System.getProperty("loadtest.lookupFamiliesPerSecond", "40"));
  static final double SPIKE = Double.parseDouble(System.getProperty("loadtest.spikeFactor", "2.5"));
  static final int SOAK_MINUTES = Integer.parseInt(System.getProperty("loadtest.soakMinutes", "30"));
  static final int WARM_UP_SECONDS = Integer.parseInt(System.getProperty("loadtest.warmUpSeconds", "60"));
  static final int STATUS_WAIT_SECONDS = 20;
  static final double KNEE_STEP = Double.parseDouble(System.getProperty("loadtest.kneeStep", "20"));
  static final int KNEE_LEVELS = Integer.parseInt(System.getProperty("loadtest.kneeLevels", "8"));
  static final int KNEE_LEVEL_SECONDS = Integer.parseInt(System.getProperty("loadtest.kneeLevelSeconds", "30"));
  static final int KNEE_RAMP_SECONDS = 3;
  /** Where the injection's start (epoch milliseconds) is written, for reading the gateway's metrics by level. */
  static final String START_FILE = System.getProperty("loadtest.startFile", "");
  static final int MAX_STATUS_REQUESTS = 4;
  /**
   * The overload profile's phases, in seconds: a ramp and a calm at half the knee (the latency to come back to),
   * the burst's ramp and the burst, and half the knee again after it. The run's script reads where each phase
   * starts from {@code overload-phases.properties}, written beside the start file.
   */
  static final int OVERLOAD_RAMP = 5;
  static final int OVERLOAD_CALM = 30;
  /** The calm's first seconds, left out of the latency to come back to: the ramp's requests still finishing. */
  static final int OVERLOAD_SETTLE = 5;
  static final int OVERLOAD_BURST_RAMP = 5;
  static final int OVERLOAD_BURST = 60;
  static final int OVERLOAD_AFTER = 60;
  static final double MAX_ERROR_PERCENT = Double.parseDouble(System.getProperty("loadtest.maxErrorPercent", "1"));

  final HttpProtocolBuilder protocol = http.baseUrl(BASE)
      .contentTypeHeader("application/json")
      .acceptHeader("application/json")
      .shareConnections() // the load balancer in front keeps a pool of connections to each instance
      .disableCaching();

  /** The mini-programs of the sandbox's demo merchant (what {@code wx.login} / {@code my.getAuthCode} ask codes for). */
  static final String WECHAT_APP = System.getProperty("loadtest.wechatAppId", "wxdemo0000000001");
  static final String ALIPAY_APP = System.getProperty("loadtest.alipayAppId", "2021000000000001");

  /**
   * A resident opens the mini-program of {@code #{channel}}: the phone gets a one-time code from the
   * channel (the sandbox here) and the gateway exchanges it for a session, sent on every later request.
   */
  static ChainBuilder login() {
    return exec(session -> session.set("user", "u" + UUID.randomUUID()).set("appQuery", "wechat".equals(session.getString("channel"))
            ? "appid=" + WECHAT_APP : "app_id=" + ALIPAY_APP))
        .exec(http("login code (phone)").post(SANDBOX + "/sandbox/login/#{channel}?#{appQuery}&user=#{user}")
            .check(status().is(200), jsonPath("$.*").saveAs("code")))
        .exec(http("login").post("/api/v1/session/#{channel}").body(StringBody("{\"code\":\"#{code}\"}"))
            .check(status().is(201), jsonPath("$.token").saveAs("token")));
  }

  static ChainBuilder lookup() {
    return exec(http("lookup").post("/api/v1/lookup")
        .header("Authorization", "Bearer #{token}")
        .body(StringBody(session -> Journey.lookupBody(session.getString("idNumber"), session.getString("name"))))
        .check(status().is(200), bodyString().saveAs("household")));
  }

  final FeederBuilder<String> journeyResidents = csv(RESIDENTS).circular();
  final FeederBuilder<String> lookupResidents = csv(RESIDENTS).random();

  final ScenarioBuilder journey = scenario("journey")
      .feed(journeyResidents)
      .exec(session -> session.set("idempotencyKey", UUID.randomUUID().toString()))
      .randomSwitch().on(
          percent(30.0).then(exec(session -> session.set("channel", "wechat").set("mode", "qr"))),
          percent(20.0).then(exec(session -> session.set("channel", "alipay").set("mode", "qr"))),
          percent(35.0).then(exec(session -> session.set("channel", "wechat").set("mode", "mini"))),
          percent(15.0).then(exec(session -> session.set("channel", "alipay").set("mode", "mini"))))
      .exec(login()).exitHereIfFailed() // a resident the gateway turned away at login goes no further
      .exec(lookup())
      .exec(session -> session.set("order", Journey.orderBody(session.getString("household"), session.getString("channel"),
          session.getString("mode"))))
      .doIf(session -> session.getString("order") != null).then(
          pause(Duration.ofMillis(500), Duration.ofMillis(2500)) // ticking family members
              .exec(http("order").post("/api/v1/orders")
                  .header("Authorization", "Bearer #{token}")
                  .header("Idempotency-Key", "#{idempotencyKey}")
                  .body(StringBody("#{order}"))
                  .check(status().in(200, 201), jsonPath("$.id").saveAs("orderId"), jsonPath("$.outTradeNo").saveAs("outTradeNo")))
              // an order turned away (503 under overload) has nothing to pay, poll or print: the journey ends there, as at
              // login, rather than failing to build its next requests (which filled Gatling's error table, uncounted)
              .exitHereIfFailed()
              .pause(Duration.ofMillis(1000), Duration.ofMillis(4000)) // scanning the code, confirming on the phone
              .exec(http("pay on the channel").post(SANDBOX + "/sandbox/pay/#{channel}/#{outTradeNo}").check(status().is(200)))
              .exec(session -> session.set("state", "PAYING").set("polls", 0))
              // a held request, answered as soon as the callback is applied on any instance: however slow
              // the answer, one request per order (a second only if 20 s pass first); a refusal waits as told
              .asLongAs(session -> !"PAID".equals(session.getString("state")) && session.getInt("polls") < MAX_STATUS_REQUESTS).on(
                  exec(http("status").get("/api/v1/orders/#{orderId}?waitSeconds=" + STATUS_WAIT_SECONDS)
                          .header("Authorization", "Bearer #{token}")
                          .check(status().saveAs("statusCode"), jsonPath("$.state").optional().saveAs("state"),
                              status().is(200)))
                      .exec(session -> session.set("polls", session.getInt("polls") + 1))
                      .doIf(session -> session.getInt("statusCode") == 503).then(pause(Duration.ofSeconds(3))))
              .exec(http("receipt").get("/api/v1/orders/#{orderId}/receipt").header("Authorization", "Bearer #{token}")
                  .check(status().is(200), jsonPath("$.receiptNo").is(session -> session.getString("outTradeNo")))));

  final ScenarioBuilder lookups = scenario("lookups")
      .feed(lookupResidents)
      .exec(session -> session.set("channel", Math.random() < 0.7 ? "wechat" : "alipay"))
      .exec(login()).exitHereIfFailed() // a resident the gateway turned away at login goes no further
      .exec(lookup())
      .pause(Duration.ofSeconds(1), Duration.ofSeconds(3))
      .exec(lookup())
      .randomSwitch().on(percent(50.0).then(pause(Duration.ofSeconds(1), Duration.ofSeconds(3)).exec(lookup())));

  static List<OpenInjectionStep> profile(double rate) {
    List<OpenInjectionStep> steps = new ArrayList<>();
    switch (PROFILE) {
      case "short" -> {
        steps.add(rampUsersPerSec(1).to(rate).during(Duration.ofSeconds(20)));
        steps.add(constantUsersPerSec(rate).during(Duration.ofSeconds(40)).randomized());
        steps.add(rampUsersPerSec(rate).to(rate * SPIKE).during(Duration.ofSeconds(5))); // midnight: the deadline
        steps.add(constantUsersPerSec(rate * SPIKE).during(Duration.ofSeconds(15)).randomized());
        steps.add(rampUsersPerSec(rate * SPIKE).to(1).during(Duration.ofSeconds(5)));
      }
      case "peak" -> {
        steps.add(rampUsersPerSec(1).to(rate).during(Duration.ofMinutes(2)));
        steps.add(constantUsersPerSec(rate).during(Duration.ofMinutes(4)).randomized());
        steps.add(rampUsersPerSec(rate).to(rate * SPIKE).during(Duration.ofSeconds(30)));
        steps.add(constantUsersPerSec(rate * SPIKE).during(Duration.ofMinutes(1)).randomized());
        steps.add(rampUsersPerSec(rate * SPIKE).to(1).during(Duration.ofSeconds(30)));
      }
      case "overload" -> {
        // half the knee first: the latency the gateway has under that load, to come back to after the burst
        steps.add(rampUsersPerSec(1).to(rate / 6).during(Duration.ofSeconds(OVERLOAD_RAMP)));
        steps.add(constantUsersPerSec(rate / 6).during(Duration.ofSeconds(OVERLOAD_CALM)).randomized());
        steps.add(rampUsersPerSec(rate / 6).to(rate).during(Duration.ofSeconds(OVERLOAD_BURST_RAMP)));
        steps.add(constantUsersPerSec(rate).during(Duration.ofSeconds(OVERLOAD_BURST)).randomized());
        // then half the knee again: the burst over, how soon the gateway is back to its latency before it
        steps.add(constantUsersPerSec(rate / 6).during(Duration.ofSeconds(OVERLOAD_AFTER)).randomized());
      }
      case "knee" -> steps.add(incrementUsersPerSec(KNEE_STEP).times(KNEE_LEVELS)
          .eachLevelLasting(Duration.ofSeconds(KNEE_LEVEL_SECONDS)).separatedByRampsLasting(Duration.ofSeconds(KNEE_RAMP_SECONDS))
          .startingFrom(KNEE_STEP));
      case "warm-up" -> { // before a measured run, on other residents: the gateway warm, as it is after weeks of the window
        steps.add(rampUsersPerSec(1).to(rate).during(Duration.ofSeconds(10)));
        steps.add(constantUsersPerSec(rate).during(Duration.ofSeconds(Math.max(1, WARM_UP_SECONDS - 10))).randomized());
      }
      case "soak" -> {
        steps.add(rampUsersPerSec(1).to(rate).during(Duration.ofMinutes(1)));
        steps.add(constantUsersPerSec(rate).during(Duration.ofMinutes(SOAK_MINUTES)).randomized());
      }
      default -> throw new IllegalArgumentException("loadtest.profile must be short, peak, overload, knee, soak or warm-up, got " + PROFILE);
    }
    return steps;
  }

  @Override
  public void before() {
    if (!START_FILE.isEmpty()) {
      try {
        Path start = Path.of(START_FILE);
        if (PROFILE.equals("overload")) { // first, so that it is there once the start file is
          int burst = OVERLOAD_RAMP + OVERLOAD_CALM;
          int after = burst + OVERLOAD_BURST_RAMP + OVERLOAD_BURST;
          Files.writeString(start.resolveSibling("overload-phases.properties"), "calmFrom=" + (OVERLOAD_RAMP + OVERLOAD_SETTLE)
              + "\nburstFrom=" + burst + "\nafterFrom=" + after + "\nend=" + (after + OVERLOAD_AFTER) + "\n");
        }
        Files.writeString(start, Long.toString(System.currentTimeMillis()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  {
    List<PopulationBuilder> populations = new ArrayList<>();
    if (JOURNEYS > 0) {
      populations.add(journey.injectOpen(profile(JOURNEYS)));
    }
    if (LOOKUPS > 0) {
      populations.add(lookups.injectOpen(profile(LOOKUPS)));
    }
    // under overload the excess is refused by design: the run is judged on lost payments and the gateway's metrics.
    // The p99 is judged by the run's script, exactly, from Gatling's count of the requests at or over its mark
    // (LatencyMark, with the report's higher bound set at the mark): Gatling's own percentiles are t-digest estimates,
    // which read 1,002 ms for a run whose requests took under 800 ms for 99.6% of them
    List<Assertion> assertions = List.of("overload", "knee", "warm-up").contains(PROFILE) ? List.of() : List.of(
        global().failedRequests().percent().lt(MAX_ERROR_PERCENT));
    setUp(populations).protocols(protocol).assertions(assertions)
        .maxDuration(PROFILE.equals("soak") ? Duration.ofMinutes(SOAK_MINUTES + 5) : Duration.ofMinutes(15));
  }
}
