package io.granary.appliance.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * sd_notify(3): tells the service manager the daemon's state ({@code READY=1},
 * {@code STOPPING=1}, {@code STATUS=...}) in one datagram to the Unix socket named by
 * {@code $NOTIFY_SOCKET}. Without that variable (not started by systemd as Type=notify)
 * every call does nothing.
 *
 * <p>The JDK has no datagram Unix sockets, so this calls libc's {@code socket} and
 * {@code sendto} through jnr-ffi, which the FUSE binding already loads. Linux only: the
 * address is a {@code struct sockaddr_un} (a native-order 16-bit family, then the path); a
 * name starting with {@code @} is in the abstract namespace (a leading NUL, no trailing
 * one), as systemd's own sd_notify reads it.
 */
final class SystemdNotify {
  private static final System.Logger LOG = System.getLogger(SystemdNotify.class.getName());
  private static final short AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int MSG_NOSIGNAL = 0x4000;

  /** {@code sizeof(sun_path)} on Linux. */
  private static final int SUN_PATH = 108;

  /** The few libc calls this needs (public: jnr-ffi implements it in its own loader). */
  public interface LibC {
    int socket(int domain, int type, int protocol);

    @ssize_t
    long sendto(int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] addr, int addrlen);

    int close(int fd);
  }

  private static volatile LibC libc;

  /** The encoded {@code struct sockaddr_un}, or null when there is no socket to tell. */
  private final byte[] address;

  private final String socketName;

  /** {@code socketName} as in {@code $NOTIFY_SOCKET}; null or empty for none. */
  SystemdNotify(String socketName) {
    this.socketName = socketName;
    this.address = socketName == null || socketName.isEmpty() ? null : sockaddr(socketName);
  }

  /** For {@code $NOTIFY_SOCKET} of this process. */
  static SystemdNotify fromEnvironment() {
    return new SystemdNotify(System.getenv("NOTIFY_SOCKET"));
  }

  /** Whether a service manager listens (so that {@link #send} does something). */
  boolean enabled() {
    return address != null;
  }

  /**
   * Sends {@code state}, newline-separated {@code KEY=VALUE} assignments, in one datagram.
   * A failure is reported, never thrown: the daemon serves whether or not systemd heard it.
   */
  void send(String state) {
    if (address == null) {
      return;
    }
    try {
      sendOrThrow(state);
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot tell systemd "
              + state.replace('\n', ' ')
              + " on "
              + socketName
              + ": "
              + e.getMessage());
    }
  }

  void sendOrThrow(String state) throws IOException {
    LibC c = libc();
    int fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new IOException("socket: " + errno());
    }
    try {
      byte[] message = state.getBytes(StandardCharsets.UTF_8);
      long sent = c.sendto(fd, message, message.length, MSG_NOSIGNAL, address, address.length);
      if (sent < 0) {
        throw new IOException("sendto: " + errno());
      }
      if (sent != message.length) {
        throw new IOException("sendto sent " + sent + " of " + message.length + " bytes");
      }
    } finally {
      c.close(fd);
    }
  }

  /** {@code struct sockaddr_un} for a path, or for an abstract name written {@code @name}. */
  static byte[] sockaddr(String socketName) {
    boolean isAbstract = socketName.charAt(0) == '@';
    byte[] name =
        (isAbstract ? socketName.substring(1) : socketName).getBytes(StandardCharsets.UTF_8);
    if (!isAbstract && socketName.charAt(0) != '/') {
      throw new IllegalArgumentException(
          "NOTIFY_SOCKET must be an absolute path or start with @: " + socketName);
    }
    // A path keeps its terminating NUL inside sun_path; an abstract name has a leading one.
    int pathLength = name.length + 1;
    if (pathLength > SUN_PATH) {
      throw new IllegalArgumentException(
          "NOTIFY_SOCKET is longer than " + (SUN_PATH - 1) + " bytes: " + socketName);
    }
    ByteBuffer addr = ByteBuffer.allocate(2 + pathLength).order(ByteOrder.nativeOrder());
    addr.putShort(AF_UNIX);
    if (isAbstract) {
      addr.put((byte) 0).put(name);
    } else {
      addr.put(name).put((byte) 0);
    }
    return addr.array();
  }

  private static LibC libc() {
    LibC c = libc;
    if (c == null) {
      c = LibraryLoader.create(LibC.class).load("c");
      libc = c;
    }
    return c;
  }

  private static String errno() {
    return "errno " + Runtime.getRuntime(libc).getLastError();
  }
}
