package io.granary.nbd.session;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An address range such as {@code 10.0.0.0/8}, {@code 192.0.2.7} or {@code fd00::/8}. */
record Cidr(byte[] network, int prefix) {

  static Cidr parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String host = slash < 0 ? s : s.substring(0, slash);
    if (!isIpv4Literal(host) && !(host.contains(":") && host.matches("[0-9a-fA-F:.]+"))) {
      // Refuse names: a rule must not depend on DNS. InetAddress.getByName parses only what
      // has a colon as a literal for sure: it reads "10.1" as 10.0.0.1 and resolves
      // "dead.beef" or "1.2.3.256" by DNS, so IPv4 must be four decimal octets.
      throw new IllegalArgumentException("not an IP address range: " + text);
    }
    byte[] addr;
    try {
      addr = InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address range: " + text);
    }
    int prefix = addr.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in " + text);
      }
      if (prefix < 0 || prefix > addr.length * 8) {
        throw new IllegalArgumentException("bad prefix length in " + text);
      }
    }
    return new Cidr(addr, prefix);
  }

  private static boolean isIpv4Literal(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    if (!Arrays.equals(a, 0, full, network, 0, full)) {
      return false;
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }
}
