package cn.liangxian.gateway.handoff;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.security.PublicKey;

/**
 * A receiving agency system for one region and insurance: HTTP push to {@code url}, or daily files in
 * {@code folder}; {@code key} is its public key (it verifies its answers and receives the message keys).
 */
public record Receiver(String name, String region, String insurance, Transport transport, String url, PublicKey key,
    Charset charset, Path folder) {

  /** How records reach the receiver. */
  public enum Transport { HTTP, FILE }

  public boolean serves(String regionCode, String ins) {
    return region.equals(regionCode) && insurance.equals(ins);
  }
}
