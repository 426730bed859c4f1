package io.granary.nbd.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.nbd.api.AccessRule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Access rules: address ranges, the Unix socket, certificate subjects and export globs. */
class AccessPolicyTest {
  private static final ClientIdentity UNIX =
      new ClientIdentity(UnixDomainSocketAddress.of("/run/granary/nbd.sock"), null);

  @Test
  void ipv4Prefixes() throws Exception {
    Cidr ten = Cidr.parse("10.0.0.0/8");
    assertTrue(ten.contains(ip("10.255.255.255")));
    assertFalse(ten.contains(ip("11.0.0.0")));
    Cidr host = Cidr.parse(" 192.0.2.7 ");
    assertTrue(host.contains(ip("192.0.2.7")));
    assertFalse(host.contains(ip("192.0.2.8")));
    Cidr all = Cidr.parse("0.0.0.0/0");
    assertTrue(all.contains(ip("203.0.113.9")));
    assertFalse(all.contains(ip("::1")), "an IPv4 range holds no IPv6 address");
  }

  @Test
  void prefixesThatAreNotByteAligned() throws Exception {
    Cidr twenty = Cidr.parse("192.168.0.0/20");
    assertTrue(twenty.contains(ip("192.168.15.255")));
    assertFalse(twenty.contains(ip("192.168.16.0")));
    Cidr one = Cidr.parse("128.0.0.0/1");
    assertTrue(one.contains(ip("255.1.2.3")));
    assertFalse(one.contains(ip("127.255.255.255")));
    Cidr v6 = Cidr.parse("2001:db8:8000::/33");
    assertTrue(v6.contains(ip("2001:db8:ffff::1")));
    assertFalse(v6.contains(ip("2001:db8:7fff::1")));
  }

  @Test
  void ipv6Prefixes() throws Exception {
    Cidr ula = Cidr.parse("fd00::/8");
    assertTrue(ula.contains(ip("fdff:1::2")));
    assertFalse(ula.contains(ip("fe80::1")));
    assertFalse(ula.contains(ip("10.0.0.1")));
    assertTrue(Cidr.parse("::/0").contains(ip("2001:db8::1")));
    assertTrue(Cidr.parse("::1").contains(ip("::1")));
    assertFalse(Cidr.parse("::1/128").contains(ip("::2")));
  }

  @Test
  void badRangesAreRefusedWithoutDns() {
    for (String bad :
        List.of(
            "localhost",
            "example.com/8",
            "10.0.0.0/33",
            "10.0.0.0/-1",
            "::/129",
            "10.0.0.0/x",
            "10.0.0.0/",
            "")) {
      assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
    }
  }

  @Test
  void onlyAddressLiteralsAreRanges() {
    // Names made of hex digits pass a character check, and "10.1" is a BSD shorthand for
    // 10.0.0.1: neither may reach InetAddress.getByName, which would resolve the first by DNS.
    for (String bad : List.of("dead.beef", "cafe", "1.2.3.4.5", "10.1", "10.1/8", "1.2.3.256")) {
      assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
    }
  }

  @Test
  void anExportNoRuleNamesIsOpen() throws Exception {
    AccessPolicy p = new AccessPolicy(List.of(rule("pool/secret", List.of("10.0.0.0/8"))));
    assertTrue(p.allows("pool/public", tcp("192.0.2.7")));
    assertTrue(p.allows("pool/public", UNIX));
    assertFalse(p.allows("pool/secret", tcp("192.0.2.7")));
    assertTrue(p.allows("pool/secret", tcp("10.0.0.1")));
    assertTrue(new AccessPolicy(List.of()).allows("anything", UNIX));
  }

  @Test
  void anyOfSeveralRulesMayAdmit() throws Exception {
    AccessPolicy p =
        new AccessPolicy(
            List.of(
                rule("pool/*", List.of("10.0.0.0/8")),
                rule("pool/vm?", List.of("192.0.2.0/24", "2001:db8::/32"))));
    assertTrue(p.allows("pool/vm1", tcp("192.0.2.7")));
    assertTrue(p.allows("pool/vm1", tcp("2001:db8::5")));
    assertFalse(p.allows("pool/vm10", tcp("192.0.2.7")), "? is one character");
    assertTrue(p.allows("pool/vm10", tcp("10.9.9.9")));
  }

  @Test
  void theUnixSocketIsANetworkOfItsOwn() throws Exception {
    AccessPolicy unixOnly = new AccessPolicy(List.of(rule("p/*", List.of("unix"))));
    assertTrue(unixOnly.allows("p/v", UNIX));
    assertFalse(unixOnly.allows("p/v", tcp("127.0.0.1")));
    AccessPolicy tcpOnly = new AccessPolicy(List.of(rule("p/*", List.of("0.0.0.0/0", "::/0"))));
    assertFalse(tcpOnly.allows("p/v", UNIX));
    assertTrue(tcpOnly.allows("p/v", tcp("127.0.0.1")));
    AccessPolicy anyone = new AccessPolicy(List.of(rule("p/*", List.of())));
    assertTrue(anyone.allows("p/v", UNIX));
    assertTrue(anyone.allows("p/v", tcp("198.51.100.1")));
  }

  @Test
  void subjectsMustMatchTheCertificate() throws Exception {
    AccessPolicy p =
        new AccessPolicy(
            List.of(new AccessRule("p/*", List.of("10.0.0.0/8"), List.of("CN=alice,O=granary"))));
    assertTrue(p.allows("p/v", tcp("10.0.0.1").withSubject("CN=alice,O=granary")));
    assertFalse(p.allows("p/v", tcp("10.0.0.1").withSubject("CN=bob,O=granary")));
    assertFalse(p.allows("p/v", tcp("10.0.0.1")), "no certificate");
    assertFalse(
        p.allows("p/v", tcp("192.0.2.1").withSubject("CN=alice,O=granary")),
        "the address must match too");
    assertTrue(
        p.allows("p/v", tcp("10.0.0.1").withSubject("cn=alice, o=granary")),
        "subjects compare in RFC 2253 form, whatever the spacing and case of attribute names");
  }

  @Test
  void oneStarStaysInASegmentTwoCrossThem() throws Exception {
    assertTrue(AccessPolicy.glob("pool/*").matcher("pool/vm@snap").matches());
    assertFalse(AccessPolicy.glob("pool/*").matcher("pool/dir/vm").matches());
    assertFalse(AccessPolicy.glob("*").matcher("pool/vm").matches());
    assertTrue(AccessPolicy.glob("**").matcher("pool/dir/vm").matches());
    assertTrue(AccessPolicy.glob("pool/**").matcher("pool/dir/vm@s").matches());
    assertFalse(AccessPolicy.glob("pool/**").matcher("other/vm").matches());
    assertFalse(AccessPolicy.glob("pool.vm").matcher("poolxvm").matches(), "dots are literal");
    assertTrue(AccessPolicy.glob("a+b(c)").matcher("a+b(c)").matches());
  }

  private static AccessRule rule(String exports, List<String> networks) {
    return new AccessRule(exports, networks, List.of());
  }

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private static ClientIdentity tcp(String literal) throws Exception {
    return new ClientIdentity(new InetSocketAddress(ip(literal), 50000), null);
  }
}
