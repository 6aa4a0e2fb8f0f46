package cn.liangxian.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The balancers whose X-Forwarded-For the gateway believes ({@code http.trustedProxies}): addresses or networks (CIDR),
 * IPv4 or IPv6, written as literals. A request from any other peer is taken as coming from that peer, whatever header it
 * sends: another host of the internal network cannot pass itself off as a resident's phone to the limits, the lock-outs
 * and the audit log.
 */
public final class TrustedProxies {
  private record Net(byte[] prefix, int bits) {}

  private final List<Net> nets;
  private final String text;

  private TrustedProxies(List<Net> nets, String text) {
    this.nets = nets;
    this.text = text;
  }

  /** A comma-separated list ("10.0.1.10, 10.0.1.0/24, ::1"); IllegalArgumentException naming an entry that is none. */
  public static TrustedProxies parse(String list) {
    List<Net> nets = new ArrayList<>();
    for (String entry : list == null ? new String[0] : list.split(",")) {
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      int slash = e.indexOf('/');
      String address = slash < 0 ? e : e.substring(0, slash);
      byte[] bytes = literal(address);
      if (bytes == null) {
        throw new IllegalArgumentException("'" + e + "' is not an address or network (10.0.1.10, 10.0.1.0/24, fd00::/8)");
      }
      int bits = bytes.length * 8;
      if (slash >= 0) {
        String b = e.substring(slash + 1);
        if (!b.matches("[0-9]{1,3}") || Integer.parseInt(b) > bytes.length * 8) {
          throw new IllegalArgumentException("'" + e + "' has no prefix length from 0 to " + bytes.length * 8);
        }
        bits = Integer.parseInt(b);
      }
      nets.add(new Net(bytes, bits));
    }
    return new TrustedProxies(List.copyOf(nets), list == null ? "" : list.strip());
  }

  // compiled once: a peer's address is read on every request behind the balancer
  private static final java.util.regex.Pattern ADDRESS_CHARS = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]+");
  private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  /** The address's bytes, for a literal IPv4 or IPv6 address only (never a name: no lookup is made); else null. */
  private static byte[] literal(String address) {
    String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    if (a.isEmpty() || !ADDRESS_CHARS.matcher(a).matches() || a.indexOf(':') < 0 && !IPV4.matcher(a).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(a).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public boolean isEmpty() {
    return nets.isEmpty();
  }

  /** Whether a peer at this address (as Vert.x writes it) is one of the balancers. */
  public boolean trusts(String hostAddress) {
    int zone = hostAddress == null ? -1 : hostAddress.indexOf('%');
    byte[] peer = hostAddress == null ? null : literal(zone < 0 ? hostAddress : hostAddress.substring(0, zone));
    if (peer == null) {
      return false;
    }
    if (peer.length == 16 && isMappedV4(peer)) {
      peer = java.util.Arrays.copyOfRange(peer, 12, 16);
    }
    for (Net n : nets) {
      if (n.prefix().length == peer.length && matches(n.prefix(), peer, n.bits())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMappedV4(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  private static boolean matches(byte[] prefix, byte[] peer, int bits) {
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) {
      if (prefix[i] != peer[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (prefix[whole] & mask) == (peer[whole] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
