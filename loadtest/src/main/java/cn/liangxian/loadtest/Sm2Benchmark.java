package cn.liangxian.loadtest;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Sm2;
import cn.liangxian.channel.agency.AgencyEnvelope;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hand-off's SM2 work per message, as the gateway does it ({@link Sm2}: each key's curve parameters kept)
 * against the baseline beside it, the JCA signature and a fresh conversion of the key for each message key
 * wrapped, as it was done before. Read the ratio of each pair, not the absolute figures.
 *
 * <pre>java -cp "$(cat loadtest/target/classpath.txt):loadtest/target/classes" org.openjdk.jmh.Main Sm2Benchmark -f 1 -wi 2 -w 3 -i 4 -r 4</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Sm2Benchmark {
  private KeyPair key;
  private byte[] message;
  private byte[] messageKey;

  @Setup
  public void setUp() {
    key = AgencyEnvelope.generate(AgencyEnvelope.Scheme.SM2);
    message = AgencyEnvelope.signed("1764547200", "c5a8e1f0b2d34c6f9a7e8d1c2b3a4f5e",
        ("{\"batch\":\"20261201-0001\",\"records\":[{\"kind\":\"CONTRIBUTION\",\"insurance\":\"medical\",\"year\":2027,"
            + "\"regionCode\":\"431103\",\"personalFen\":40000,\"sealed\":\"9b1c...\"}]}").getBytes(StandardCharsets.UTF_8));
    messageKey = AgencyEnvelope.newKey();
  }

  @Benchmark
  public byte[] signJca() throws Exception {
    Signature s = Signature.getInstance("SM3withSM2", Crypto.BC);
    s.initSign(key.getPrivate());
    s.update(message);
    return s.sign();
  }

  @Benchmark
  public byte[] signKept() {
    return Sm2.sign(key.getPrivate(), message);
  }

  @Benchmark
  public byte[] wrapConverted() throws Exception {
    SM2Engine e = new SM2Engine(SM2Engine.Mode.C1C3C2);
    e.init(true, new ParametersWithRandom(ECUtil.generatePublicKeyParameter(key.getPublic())));
    return e.processBlock(messageKey, 0, messageKey.length);
  }

  @Benchmark
  public byte[] wrapKept() throws Exception {
    return Sm2.encrypt(key.getPublic(), messageKey);
  }
}
