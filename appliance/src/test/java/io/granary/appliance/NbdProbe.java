package io.granary.appliance;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of an NBD client over a plain socket to stop anywhere a real client can: before
 * the greeting is read, inside an option, after NBD_OPT_GO, inside a request, or with a reset.
 * It binds a chosen local address, so loopback aliases stand for distinct client hosts. Every
 * read times out after 10 s.
 */
final class NbdProbe implements AutoCloseable {
  static final long IHAVEOPT = 0x49484156454F5054L;
  static final int OPT_GO = 7;
  static final int OPT_LIST = 3;
  static final int CMD_READ = 0;
  static final int CMD_WRITE = 1;
  static final int CMD_DISC = 2;
  private static final long OPTION_REPLY = 0x0003e889045565a9L;
  private static final int SIMPLE_REPLY = 0x67446698;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private NbdProbe(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** A TCP connection from {@code from} to the server; nothing read or sent yet. */
  static NbdProbe connect(InetAddress from, int port) throws IOException {
    Socket s = new Socket();
    try {
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      s.bind(new InetSocketAddress(from, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      return new NbdProbe(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Reads the fixed-newstyle greeting; EOFException if the server closed before sending it. */
  NbdProbe greeting() throws IOException {
    if (in.readLong() != 0x4e42444d41474943L || in.readLong() != IHAVEOPT
        || in.readUnsignedShort() != 3) {
      throw new IOException("not a fixed-newstyle NBD greeting");
    }
    return this;
  }

  /** Sends the client flags: fixed newstyle, no zeroes. */
  NbdProbe flags() throws IOException {
    return send(ByteBuffer.allocate(4).putInt(3).array());
  }

  /** Greeting, flags and NBD_OPT_GO on {@code export}, up to its final ACK. */
  NbdProbe go(String export) throws IOException {
    greeting().flags().send(option(OPT_GO, goData(export)));
    for (int type = optionReply(); type != 1; type = optionReply()) {
      if (type != 3) {
        throw new IOException("NBD_OPT_GO answered with 0x" + Integer.toHexString(type));
      }
    }
    return this;
  }

  NbdProbe send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one option reply, data and all; returns its type. */
  int optionReply() throws IOException {
    if (in.readLong() != OPTION_REPLY) {
      throw new IOException("bad option reply magic");
    }
    in.readInt();
    int type = in.readInt();
    in.skipNBytes(in.readInt());
    return type;
  }

  /** Reads one simple reply header; returns its error, failing unless it carries {@code cookie}. */
  int simpleReply(long cookie) throws IOException {
    if (in.readInt() != SIMPLE_REPLY) {
      throw new IOException("bad simple reply magic");
    }
    int error = in.readInt();
    long got = in.readLong();
    if (got != cookie) {
      throw new IOException("reply for cookie " + got + ", expected " + cookie);
    }
    return error;
  }

  byte[] readBytes(int n) throws IOException {
    return in.readNBytes(n);
  }

  /** Blocks until the server closes the connection; false if it has not within 10 s. */
  boolean closedByServer() throws IOException {
    try {
      while (in.read() >= 0) {
        // whatever the server sent before closing
      }
      return true;
    } catch (EOFException | SocketException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  /** Closes with a TCP reset instead of a FIN (SO_LINGER 0). */
  void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  static byte[] option(int code, byte[] data) {
    return ByteBuffer.allocate(16 + data.length).putLong(IHAVEOPT).putInt(code)
        .putInt(data.length).put(data).array();
  }

  static byte[] goData(String export) {
    byte[] name = export.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + name.length + 2).putInt(name.length).put(name)
        .putShort((short) 0).array();
  }

  /** A request header: {@code length} bytes at {@code offset}; a WRITE's payload follows it. */
  static byte[] request(int type, long cookie, long offset, int length) {
    return ByteBuffer.allocate(28).putInt(0x25609513).putShort((short) 0).putShort((short) type)
        .putLong(cookie).putLong(offset).putInt(length).array();
  }
}
