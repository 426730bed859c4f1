package io.granary.appliance.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * What systemd does for Type=notify: a bound Unix datagram socket ($NOTIFY_SOCKET) that
 * receives the service's state messages. A path, or {@code @name} in the abstract namespace.
 */
public final class NotifyReceiver implements AutoCloseable {
  private static final int SOCK_DGRAM = 2;
  private static final int MSG_DONTWAIT = 0x40;
  private static final int EAGAIN = 11;

  /** The libc calls a receiver needs. */
  public interface LibC {
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] addr, int addrlen);

    @ssize_t
    long recv(int fd, @Out byte[] buf, @size_t long len, int flags);

    int close(int fd);
  }

  private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

  private final String name;
  private final int fd;

  private NotifyReceiver(String name, int fd) {
    this.name = name;
    this.fd = fd;
  }

  /** Binds a datagram socket at {@code name} (a path, or {@code @name}). */
  public static NotifyReceiver bind(String name) throws IOException {
    int fd = LIBC.socket(1, SOCK_DGRAM, 0);
    if (fd < 0) {
      throw new IOException("socket: errno " + errno());
    }
    byte[] addr = SystemdNotify.sockaddr(name);
    if (LIBC.bind(fd, addr, addr.length) != 0) {
      int errno = errno();
      LIBC.close(fd);
      throw new IOException("bind " + name + ": errno " + errno);
    }
    return new NotifyReceiver(name, fd);
  }

  /** The value for NOTIFY_SOCKET. */
  public String name() {
    return name;
  }

  /** The next message, waiting up to {@code timeout}; an AssertionError when none came. */
  public String receive(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buf = new byte[4096];
    while (true) {
      long n = LIBC.recv(fd, buf, buf.length, MSG_DONTWAIT);
      if (n >= 0) {
        return new String(Arrays.copyOf(buf, (int) n), StandardCharsets.UTF_8);
      }
      int errno = errno();
      if (errno != EAGAIN) {
        throw new IOException("recv: errno " + errno);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no message on " + name + " within " + timeout);
      }
      Thread.sleep(10);
    }
  }

  /** Whether a message is waiting, without taking it. */
  public boolean isEmpty() throws IOException {
    byte[] buf = new byte[1];
    // MSG_PEEK | MSG_DONTWAIT
    long n = LIBC.recv(fd, buf, buf.length, 0x2 | MSG_DONTWAIT);
    if (n < 0 && errno() != EAGAIN) {
      throw new IOException("recv: errno " + errno());
    }
    return n < 0;
  }

  @Override
  public void close() throws IOException {
    LIBC.close(fd);
    if (!name.startsWith("@")) {
      Files.deleteIfExists(Path.of(name));
    }
  }

  private static int errno() {
    return jnr.ffi.Runtime.getRuntime(LIBC).getLastError();
  }
}
