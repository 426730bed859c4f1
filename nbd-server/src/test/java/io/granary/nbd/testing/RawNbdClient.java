package io.granary.nbd.testing;

import io.granary.nbd.testing.NbdWire.Chunk;
import io.granary.nbd.testing.NbdWire.OptionReply;
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

/**
 * A client that speaks the raw protocol over a plain socket, so tests can send what no real
 * client would: bad magic, unknown flags, oversized or half-sent requests. Every read times
 * out after 10 s, so a server that hangs fails the test instead of blocking it.
 */
public final class RawNbdClient implements AutoCloseable {
  public static final int READ = 0;
  public static final int WRITE = 1;
  public static final int DISC = 2;
  public static final int FLUSH = 3;
  public static final int TRIM = 4;
  public static final int WRITE_ZEROES = 6;
  public static final int FLAG_FAST_ZERO = 1 << 4;
  public static final int EPERM = 1;
  public static final int EIO = 5;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private long size;
  private int transmissionFlags;

  /** One simple reply header. */
  public record SimpleReply(int error, long cookie) {}

  private RawNbdClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects and reads the greeting, checking that it is fixed newstyle. */
  public static RawNbdClient connect(int port) throws IOException {
    return connect(null, port);
  }

  /**
   * Connects from the local address {@code from} ({@code null}: any) and reads the greeting.
   * Loopback aliases (127.0.0.2, 127.0.0.3...) stand for distinct client hosts.
   *
   * @throws EOFException if the server closes the connection before its greeting
   */
  public static RawNbdClient connect(InetAddress from, int port) throws IOException {
    Socket s = new Socket();
    RawNbdClient c;
    try {
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      if (from != null) {
        s.bind(new InetSocketAddress(from, 0));
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      c = new RawNbdClient(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    try {
      if (c.in.readLong() != 0x4e42444d41474943L || c.in.readLong() != NbdWire.IHAVEOPT
          || c.in.readUnsignedShort() != 3) {
        throw new IOException("not a fixed-newstyle NBD greeting");
      }
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Connects and opens {@code export} with NBD_OPT_GO, structured replies if asked. */
  public static RawNbdClient open(int port, String export, boolean structured) throws IOException {
    return open(null, port, export, structured);
  }

  /** As {@link #open(int, String, boolean)}, from the local address {@code from}. */
  public static RawNbdClient open(InetAddress from, int port, String export, boolean structured)
      throws IOException {
    RawNbdClient c = connect(from, port);
    try {
      c.send(ByteBuffer.allocate(4).putInt(3).array()); // fixed newstyle, no zeroes
      if (structured) {
        c.send(NbdWire.option(8, new byte[0]));
        c.expect(c.readOptionReply(), 1);
      }
      c.send(NbdWire.option(7, NbdWire.exportRequest(export)));
      for (OptionReply r = c.readOptionReply(); r.type() != 1; r = c.readOptionReply()) {
        c.expect(r, 3);
        ByteBuffer b = r.body();
        if (b.getShort() == 0) {
          c.size = b.getLong();
          c.transmissionFlags = Short.toUnsignedInt(b.getShort());
        }
      }
      return c;
    } catch (IOException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  public long size() {
    return size;
  }

  public int transmissionFlags() {
    return transmissionFlags;
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void request(int flags, int type, long cookie, long offset, long length, byte[] payload)
      throws IOException {
    send(NbdWire.request(flags, type, cookie, offset, length, payload));
  }

  public OptionReply readOptionReply() throws IOException {
    if (in.readLong() != NbdWire.OPTION_REPLY) {
      throw new IOException("bad option reply magic");
    }
    int option = in.readInt();
    int type = in.readInt();
    return new OptionReply(option, type, readBytes(in.readInt()));
  }

  public SimpleReply readSimple() throws IOException {
    if (in.readInt() != NbdWire.SIMPLE_REPLY) {
      throw new IOException("bad simple reply magic");
    }
    return new SimpleReply(in.readInt(), in.readLong());
  }

  public Chunk readChunk() throws IOException {
    if (in.readInt() != NbdWire.STRUCTURED_REPLY) {
      throw new IOException("bad structured reply magic");
    }
    int flags = in.readUnsignedShort();
    int type = in.readUnsignedShort();
    long cookie = in.readLong();
    return new Chunk(flags, type, cookie, readBytes(in.readInt()));
  }

  public byte[] readBytes(int n) throws IOException {
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  /** Writes {@code data} at {@code offset} and returns the reply's error (0 on success). */
  public int write(long cookie, long offset, byte[] data) throws IOException {
    request(0, WRITE, cookie, offset, data.length, data);
    return checkedSimple(cookie).error();
  }

  /** Reads with simple replies; fails unless the read succeeds. */
  public byte[] read(long cookie, long offset, int length) throws IOException {
    request(0, READ, cookie, offset, length, null);
    SimpleReply r = checkedSimple(cookie);
    if (r.error() != 0) {
      throw new IOException("READ failed with error " + r.error());
    }
    return readBytes(length);
  }

  /** A simple reply that must carry {@code cookie}. */
  public SimpleReply checkedSimple(long cookie) throws IOException {
    SimpleReply r = readSimple();
    if (r.cookie() != cookie) {
      throw new IOException("reply for cookie " + r.cookie() + ", expected " + cookie);
    }
    return r;
  }

  /** Whether the server closes the connection (EOF or reset) before the read timeout. */
  public boolean closedByServer() throws IOException {
    try {
      while (in.read() >= 0) {
        // discard anything the server sent before closing
      }
      return true;
    } catch (EOFException | SocketException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void expect(OptionReply r, int type) throws IOException {
    if (r.type() != type) {
      throw new IOException("option " + r.option() + " answered with type 0x"
          + Integer.toHexString(r.type()) + ", expected " + type);
    }
  }
}
