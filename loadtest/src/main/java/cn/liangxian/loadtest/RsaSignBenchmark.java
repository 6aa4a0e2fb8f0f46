package cn.liangxian.loadtest;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The pay path's cryptographic ceiling: SHA256withRSA with a 2048-bit key, as every WeChat Pay v3 request
 * (and Alipay RSA2) is signed, and its verification, as every answer and notification is checked. The
 * message is the size of a prepay request's signing string.
 *
 * <pre>java -cp loadtest.jar org.openjdk.jmh.Main RsaSignBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RsaSignBenchmark {
  private KeyPair key;
  private byte[] message;
  private byte[] signature;

  @Setup
  public void setUp() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    key = g.generateKeyPair();
    message = ("POST\n/v3/pay/transactions/native\n1700000000\n593BEC0C930BF1AFEB40B4A08C8FB242\n"
        + "{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1230000109\",\"description\":\"城乡居民医疗保险 2020 永州市冷水滩区\","
        + "\"out_trade_no\":\"1053d6907fbf4e27bf55e3d608971a3b\",\"time_expire\":\"2019-12-31T23:59:59+08:00\","
        + "\"notify_url\":\"https://gateway.example.cn/api/v1/callbacks/wechatpay\",\"amount\":{\"total\":125000,\"currency\":\"CNY\"}}\n")
        .getBytes(StandardCharsets.UTF_8);
    signature = sign();
  }

  @Benchmark
  public byte[] sign() throws Exception {
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key.getPrivate());
    s.update(message);
    return s.sign();
  }

  @Benchmark
  public boolean verify() throws Exception {
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initVerify(key.getPublic());
    s.update(message);
    return s.verify(signature);
  }
}
