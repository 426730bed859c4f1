package io.granary.nbd.testing;

import io.granary.nbd.protocol.CommandFlag;
import io.granary.nbd.protocol.HandshakeFlags;
import io.granary.nbd.protocol.InfoType;
import io.granary.nbd.protocol.NbdCommand;
import io.granary.nbd.protocol.NbdError;
import io.granary.nbd.protocol.NbdMagic;
import io.granary.nbd.protocol.NbdOption;
import io.granary.nbd.protocol.OptionReplyType;
import io.granary.nbd.testing.NbdWire.Chunk;
import io.granary.nbd.testing.NbdWire.OptionReply;
import java.io.BufferedInputStream;
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
 * The one hand-written NBD client of the tests: it speaks the raw protocol over a plain socket,
 * so tests can send what no real client would (bad magic, unknown flags, oversized or half-sent
 * requests) and stop anywhere a real client can: before the greeting is read, inside an option,
 * after NBD_OPT_GO, inside a request, or with a reset. It binds a chosen local address when
 * asked, so loopback aliases (127.0.0.2, 127.0.0.3...) stand for distinct client hosts. Every
 * read times out after 10 s, so a server that hangs fails the test instead of blocking it.
 *
 * <p>The codes below are the server's own ({@code io.granary.nbd.protocol}), repeated here for
 * the appliance's tests, which see this package only.
 */
public final class RawNbdClient implements AutoCloseable {
  public static final int READ = NbdCommand.READ.code();
  public static final int WRITE = NbdCommand.WRITE.code();
  public static final int DISC = NbdCommand.DISC.code();
  public static final int FLUSH = NbdCommand.FLUSH.code();
  public static final int TRIM = NbdCommand.TRIM.code();
  public static final int WRITE_ZEROES = NbdCommand.WRITE_ZEROES.code();
  public static final int FLAG_FUA = CommandFlag.FUA.mask();
  public static final int FLAG_FAST_ZERO = CommandFlag.FAST_ZERO.mask();
  public static final int OPT_LIST = NbdOption.LIST.code();
  public static final int OPT_GO = NbdOption.GO.code();
  public static final int REP_ACK = OptionReplyType.ACK.code();
  public static final int REP_SERVER = OptionReplyType.SERVER.code();
  public static final int EPERM = NbdError.EPERM.code();
  public static final int EIO = NbdError.EIO.code();
  public static final int EINVAL = NbdError.EINVAL.code();
  public static final int ENOSPC = NbdError.ENOSPC.code();

  /** The fixed-newstyle greeting's handshake flags that this client expects. */
  private static final int SERVER_FLAGS = HandshakeFlags.FIXED_NEWSTYLE | HandshakeFlags.NO_ZEROES;

  /** Fixed newstyle, no zeroes: the client flags sent after the greeting. */
  private static final byte[] CLIENT_FLAGS =
      ByteBuffer.allocate(4)
          .putInt(HandshakeFlags.C_FIXED_NEWSTYLE | HandshakeFlags.C_NO_ZEROES)
          .array();

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private long size;
  private int transmissionFlags;

  /** One simple reply header. */
  public record SimpleReply(int error, long cookie) {}

  private RawNbdClient(Socket socket) throws IOException {
    this.socket = socket;
    // Buffered: a reply header costs one read from the socket, not one per field.
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    this.out = socket.getOutputStream();
  }

  /**
   * A TCP connection from the local address {@code from} ({@code null}: any) to
   * {@code server}; nothing read or sent yet.
   */
  public static RawNbdClient dial(InetAddress from, InetSocketAddress server) throws IOException {
    Socket s = new Socket();
    try {
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      if (from != null) {
        s.bind(new InetSocketAddress(from, 0));
      }
      s.connect(server, 10_000);
      return new RawNbdClient(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** A TCP connection from {@code from} ({@code null}: any) to {@code port} on loopback. */
  public static RawNbdClient dial(InetAddress from, int port) throws IOException {
    return dial(from, new InetSocketAddress("127.0.0.1", port));
  }

  /** Connects and reads the greeting, checking that it is fixed newstyle. */
  public static RawNbdClient connect(int port) throws IOException {
    return connect(null, port);
  }

  /**
   * Connects from the local address {@code from} ({@code null}: any) and reads the greeting.
   *
   * @throws EOFException if the server closes the connection before its greeting
   */
  public static RawNbdClient connect(InetAddress from, int port) throws IOException {
    RawNbdClient c = dial(from, port);
    try {
      return c.greeting();
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
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
      c.flags();
      if (structured) {
        c.send(NbdWire.option(NbdOption.STRUCTURED_REPLY.code(), new byte[0]));
        c.expect(c.readOptionReply(), REP_ACK);
      }
      return c.go(export);
    } catch (IOException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  /**
   * Reads the greeting, checking that it is fixed newstyle.
   *
   * @throws EOFException if the server closed the connection before sending it
   */
  public RawNbdClient greeting() throws IOException {
    if (in.readLong() != NbdMagic.NBDMAGIC
        || in.readLong() != NbdMagic.IHAVEOPT
        || in.readUnsignedShort() != SERVER_FLAGS) {
      throw new IOException("not a fixed-newstyle NBD greeting");
    }
    return this;
  }

  /** Sends the client flags: fixed newstyle, no zeroes. */
  public RawNbdClient flags() throws IOException {
    send(CLIENT_FLAGS);
    return this;
  }

  /**
   * Sends NBD_OPT_GO on {@code export} and reads its replies up to the final ACK, keeping the
   * size and transmission flags the server announces.
   */
  public RawNbdClient go(String export) throws IOException {
    send(NbdWire.option(OPT_GO, NbdWire.exportRequest(export)));
    return goReplies();
  }

  /**
   * The client flags and NBD_OPT_GO on {@code export} in one write, as libnbd sends them (what
   * handshake latency is measured with), then the replies up to the final ACK.
   */
  public RawNbdClient flagsAndGo(String export) throws IOException {
    send(
        NbdWire.bytes(
            ByteBuffer.wrap(CLIENT_FLAGS),
            ByteBuffer.wrap(NbdWire.option(OPT_GO, NbdWire.exportRequest(export)))));
    return goReplies();
  }

  private RawNbdClient goReplies() throws IOException {
    for (OptionReply r = readOptionReply(); r.type() != REP_ACK; r = readOptionReply()) {
      expect(r, OptionReplyType.INFO.code());
      ByteBuffer b = r.body();
      if (b.getShort() == InfoType.EXPORT.code()) {
        size = b.getLong();
        transmissionFlags = Short.toUnsignedInt(b.getShort());
      }
    }
    return this;
  }

  public long size() {
    return size;
  }

  public int transmissionFlags() {
    return transmissionFlags;
  }

  public RawNbdClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  public void request(int flags, int type, long cookie, long offset, long length, byte[] payload)
      throws IOException {
    send(NbdWire.request(flags, type, cookie, offset, length, payload));
  }

  public OptionReply readOptionReply() throws IOException {
    if (in.readLong() != NbdMagic.OPTION_REPLY) {
      throw new IOException("bad option reply magic");
    }
    int option = in.readInt();
    int type = in.readInt();
    return new OptionReply(option, type, readBytes(in.readInt()));
  }

  public SimpleReply readSimple() throws IOException {
    if (in.readInt() != NbdMagic.SIMPLE_REPLY) {
      throw new IOException("bad simple reply magic");
    }
    return new SimpleReply(in.readInt(), in.readLong());
  }

  public Chunk readChunk() throws IOException {
    if (in.readInt() != NbdMagic.STRUCTURED_REPLY) {
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

  /** Closes with a TCP reset instead of a FIN (SO_LINGER 0). */
  public void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void expect(OptionReply r, int type) throws IOException {
    if (r.type() != type) {
      throw new IOException(
          "option "
              + r.option()
              + " answered with type 0x"
              + Integer.toHexString(r.type())
              + ", expected "
              + type);
    }
  }
}
