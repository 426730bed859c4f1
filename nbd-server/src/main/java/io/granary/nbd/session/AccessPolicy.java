package io.granary.nbd.session;

import io.granary.nbd.api.AccessRule;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * The configured access rules, compiled: decides whether a client may see and open an export.
 * An export no rule names is open; one that rules name is open only to what one of them admits.
 */
public final class AccessPolicy {
  private static final String UNIX = "unix";

  private final List<CompiledRule> rules;

  public AccessPolicy(List<AccessRule> rules) {
    List<CompiledRule> compiled = new ArrayList<>();
    for (AccessRule r : rules) {
      compiled.add(
          new CompiledRule(glob(r.exports()), unixAllowed(r), networks(r), subjects(r), r));
    }
    this.rules = List.copyOf(compiled);
  }

  public boolean allows(String export, ClientIdentity client) {
    boolean named = false;
    for (CompiledRule r : rules) {
      if (r.exports.matcher(export).matches()) {
        named = true;
        if (r.admits(client)) {
          return true;
        }
      }
    }
    return !named;
  }

  private static boolean unixAllowed(AccessRule r) {
    return r.networks().isEmpty() || r.networks().contains(UNIX);
  }

  /** In the JDK's RFC 2253 form, so spacing and case of attribute names do not matter. */
  private static List<String> subjects(AccessRule r) {
    return r.subjects().stream().map(AccessPolicy::canonicalSubject).toList();
  }

  static String canonicalSubject(String subject) {
    try {
      return new X500Principal(subject).getName(X500Principal.RFC2253);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a certificate subject: " + subject);
    }
  }

  private static List<Cidr> networks(AccessRule r) {
    return r.networks().stream().filter(n -> !n.equals(UNIX)).map(Cidr::parse).toList();
  }

  /** {@code *} within a name segment, {@code **} across segments, {@code ?} one character. */
  static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        re.append(".*");
        i++;
      } else if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }

  private record CompiledRule(
      Pattern exports, boolean unix, List<Cidr> networks, List<String> subjects, AccessRule rule) {
    boolean admits(ClientIdentity client) {
      return addressAdmitted(client) && subjectAdmitted(client);
    }

    private boolean addressAdmitted(ClientIdentity client) {
      if (rule.networks().isEmpty()) {
        return true;
      }
      var address = client.inetAddress();
      if (address == null) {
        return unix;
      }
      return networks.stream().anyMatch(n -> n.contains(address));
    }

    private boolean subjectAdmitted(ClientIdentity client) {
      return subjects.isEmpty()
          || (client.certificateSubject() != null
              && subjects.contains(canonicalSubject(client.certificateSubject())));
    }
  }
}
