package cn.liangxian.gateway.demo;

import cn.liangxian.channel.agency.AgencyEnvelope;
import cn.liangxian.gateway.handoff.Receiver;
import cn.liangxian.sandbox.agency.AgencySimulator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo and tests: the receiving agencies answered by the agency simulator, on a Vert.x of its own. Every
 * region's medical and pension records are pushed to it over HTTP, except those of {@link #FILE_REGION},
 * which go to daily files (GB18030), so that both transports run in the demo.
 */
public final class DemoAgency implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoAgency.class);
  /** 如皋: its agency takes daily files. */
  public static final String FILE_REGION = "320682";

  private final Vertx vertx;
  private final AgencySimulator simulator;
  private final List<Receiver> receivers;

  private DemoAgency(Vertx vertx, AgencySimulator simulator, List<Receiver> receivers) {
    this.vertx = vertx;
    this.simulator = simulator;
    this.receivers = receivers;
  }

  /** Starts the simulator trusting {@code gatewayKey}; receivers for each region and insurance. Blocking. */
  public static DemoAgency start(Clock clock, PublicKey gatewayKey, List<String> regions, Path folder) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    vertx.runOnContext(x -> Thread.currentThread().setName("agency-eventloop")); // its CPU counted apart
    AgencySimulator sim = new AgencySimulator(vertx, clock, AgencyEnvelope.Scheme.ofKey(gatewayKey));
    sim.trust(gatewayKey);
    try {
      int port = sim.listen(0).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      LOG.warn("receiving agencies are the SIMULATOR on port {}: no coverage is recorded anywhere", port);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("the agency simulator did not start: " + e.getMessage(), e);
    }
    List<Receiver> receivers = new ArrayList<>();
    for (String region : regions) {
      for (String ins : List.of("medical", "pension")) {
        String name = region + "-" + ins;
        receivers.add(region.equals(FILE_REGION)
            ? new Receiver(name, region, ins, Receiver.Transport.FILE, null, sim.publicKey(), java.nio.charset.Charset.forName("GB18030"),
                folder.resolve(name))
            : new Receiver(name, region, ins, Receiver.Transport.HTTP, sim.url(name), sim.publicKey(), StandardCharsets.UTF_8, null));
      }
    }
    return new DemoAgency(vertx, sim, List.copyOf(receivers));
  }

  /** Where the simulator listens, for the start-up banner. */
  public String baseUrl() {
    return simulator.baseUrl();
  }

  public AgencySimulator simulator() {
    return simulator;
  }

  public List<Receiver> receivers() {
    return receivers;
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("the agency simulator did not stop cleanly: {}", e.toString());
    }
  }
}
