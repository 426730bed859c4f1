package io.granary.appliance.admin;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who may use the admin socket: root, the daemon's own user, and members of the admin group.
 * The caller is identified by the kernel ({@code SO_PEERCRED}), not by anything it sends.
 */
final class PeerAccess {
  private final String daemonUser = System.getProperty("user.name");
  private final String adminGroup;

  PeerAccess(String adminGroup) {
    this.adminGroup = adminGroup;
  }

  /** Who the peer is, or {@code null} when it may not use the API. */
  Caller admit(Object transport) throws IOException {
    if (!(transport instanceof SocketChannel channel)) {
      return null;
    }
    UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
    String user = peer.user().getName();
    if (user.equals("root") || user.equals(daemonUser)) {
      return new Caller(user, true);
    }
    if (adminGroup != null
        && (peer.group().getName().equals(adminGroup) || groupMembers(adminGroup).contains(user))) {
      return new Caller(user, false);
    }
    return null;
  }

  /** The members listed for {@code group} in /etc/group. */
  private static List<String> groupMembers(String group) throws IOException {
    for (String line : Files.readAllLines(Path.of("/etc/group"))) {
      String[] f = line.split(":", -1);
      if (f.length >= 4 && f[0].equals(group)) {
        return Arrays.asList(f[3].split(","));
      }
    }
    return List.of();
  }
}
