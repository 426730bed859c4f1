package io.granary.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The WAN link on real loopback sockets. Floors of time are asserted strictly, ceilings loosely
 * (the test machines are small and noisy); each slow case is set against a fast one, so that a
 * link doing nothing fails.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WanLinkTest {
  private static final long MS = 1_000_000;

  @Test
  void aRoundTripTakesTheDelayBothWays() throws Exception {
    try (Peer echo = Peer.echo();
        WanLink fast = WanLink.to("127.0.0.1", echo.port()).start();
        WanLink slow =
            WanLink.to("127.0.0.1", echo.port()).delayEachWay(Duration.ofMillis(75)).start()) {
      long[] direct = pings(fast, 5);
      long[] delayed = pings(slow, 5);
      System.out.printf(
          "round trips: no delay %s ms, 75 ms each way %s ms%n", millis(direct), millis(delayed));
      assertTrue(direct[0] < 75 * MS, "without delay a round trip is quick: " + millis(direct));
      for (long rtt : delayed) {
        assertTrue(rtt >= 150 * MS, "a round trip under 150 ms: " + millis(delayed));
      }
      assertTrue(delayed[2] < 400 * MS, "the median round trip: " + millis(delayed));
    }
  }

  @Test
  void throughputConvergesToTheCap() throws Exception {
    long bytes = 8 << 20;
    long rate = 4_000_000;
    try (Peer sink = Peer.sink(new AtomicLong(), new CountDownLatch(0));
        WanLink open = WanLink.to("127.0.0.1", sink.port()).start();
        WanLink capped = WanLink.to("127.0.0.1", sink.port()).bandwidth(rate).start()) {
      long uncapped = push(open, bytes);
      long elapsed = push(capped, bytes);
      System.out.printf(
          "8 MiB: uncapped %d ms; capped at 4 MB/s %d ms = %.3f MB/s%n",
          uncapped / MS, elapsed / MS, bytes * 1e3 / elapsed);
      assertTrue(uncapped < 1_000 * MS, "uncapped, 8 MiB take " + uncapped / MS + " ms");
      // All but one burst of the bytes wait for their tokens: at least 95 % of that time.
      long floor = (long) (0.95 * (bytes - TokenBucket.MIN_BURST * 4) * 1e9 / rate);
      assertTrue(elapsed >= floor, "8 MiB at 4 MB/s in " + elapsed / MS + " ms");
      assertTrue(elapsed < 4_000 * MS, "8 MiB at 4 MB/s in " + elapsed / MS + " ms");
      assertEquals(bytes, capped.bytesToServer());
    }
  }

  @Test
  void theDelayIsPipelinedNotPaidPerRead() throws Exception {
    long bytes = 16 << 20;
    try (Peer sink = Peer.sink(new AtomicLong(), new CountDownLatch(0));
        WanLink link =
            WanLink.to("127.0.0.1", sink.port()).delayEachWay(Duration.ofMillis(50)).start()) {
      long elapsed = push(link, bytes);
      double perRead = Pipe.CHUNK / 0.050; // bytes a second if each read paid the delay
      double got = bytes * 1e9 / elapsed;
      System.out.printf(
          "16 MiB through 50 ms each way, uncapped: %d ms = %.1f MB/s (per-read: %.2f MB/s)%n",
          elapsed / MS, got / 1e6, perRead / 1e6);
      assertTrue(elapsed >= 100 * MS, "the data and its end's answer each paid the delay");
      assertTrue(got > 8 * perRead, "only " + got / 1e6 + " MB/s");
    }
  }

  @Test
  void theCapChangesWhileBytesFlow() throws Exception {
    long bytes = 8 << 20;
    long rate = 1_000_000;
    try (Peer source = Peer.source(bytes);
        WanLink link = WanLink.to("127.0.0.1", source.port()).bandwidth(0, rate).start()) {
      long start = System.nanoTime(); // before the first byte can have left the link
      Socket s = connect(link);
      AtomicLong got = new AtomicLong();
      AtomicReference<Exception> failure = new AtomicReference<>();
      Thread reader = reader(s.getInputStream(), got, failure);
      Thread.sleep(500);
      long capped = got.get();
      long changed = System.nanoTime();
      link.setBandwidth(0);
      reader.join(10_000);
      long rest = System.nanoTime() - changed;
      s.close();
      long ceiling = (long) (rate * ((changed - start) / 1e9)) + TokenBucket.MIN_BURST;
      System.out.printf(
          "1 MB/s to the client: %d bytes in %d ms; the rest uncapped in %d ms%n",
          capped, (changed - start) / MS, rest / MS);
      assertEquals("eof", Peer.ending(failure.get()));
      assertEquals(bytes, got.get());
      assertTrue(capped <= ceiling, capped + " bytes, more than " + ceiling);
      assertTrue(capped >= 250_000, "" + capped);
      assertTrue(rest < 2_000 * MS, "the rest, at 1 MB/s, would take 7 s: " + rest / MS + " ms");
      assertEquals(0, link.bytesToServer());
    }
  }

  @Test
  void theDefaultBufferHoldsTheBandwidthDelayProduct() throws Exception {
    try (WanLink small = WanLink.to("127.0.0.1", 9).start();
        WanLink big =
            WanLink.to("127.0.0.1", 9)
                .delay(Duration.ofMillis(10), Duration.ofMillis(100))
                .bandwidth(1_000_000, 125_000_000)
                .start()) {
      assertEquals(4 << 20, small.buffer());
      assertTrue(big.buffer() >= 12_500_000, "" + big.buffer()); // 1 Gbit/s for 100 ms
    }
  }

  @Test
  void aFullBufferStopsTheSender() throws Exception {
    long buffer = 1 << 20;
    long bytes = 64 << 20;
    CountDownLatch go = new CountDownLatch(1);
    AtomicLong received = new AtomicLong();
    try (Peer sink = Peer.sink(received, go);
        WanLink link = WanLink.to("127.0.0.1", sink.port()).buffer(buffer).start();
        Socket s = new Socket()) {
      s.setSendBufferSize(64 << 10);
      s.connect(link.address());
      AtomicLong sent = new AtomicLong();
      AtomicReference<Exception> failure = new AtomicReference<>();
      Thread sender =
          thread(
              () -> {
                try {
                  Peer.sendPattern(s.getOutputStream(), bytes, sent);
                  s.shutdownOutput();
                } catch (IOException e) {
                  failure.set(e);
                }
              });
      long stalled = awaitSteady(sent);
      long held = link.bufferedBytes();
      System.out.printf(
          "a stalled receiver: the sender stopped after %d KiB; the link holds %d KiB (peak"
              + " %d KiB, bound %d KiB)%n",
          stalled >> 10, held >> 10, link.peakBuffered() >> 10, buffer >> 10);
      assertTrue(held >= buffer / 2, "the link filled its buffer: " + held);
      assertTrue(link.peakBuffered() <= buffer, "peak " + link.peakBuffered());
      // What the sender got rid of: the link's buffer and a few small kernel buffers.
      assertTrue(stalled < buffer + (4 << 20), "the sender was not held back: " + stalled);
      go.countDown();
      sender.join(20_000);
      assertEquals(null, failure.get());
      assertEquals("eof", sink.endings.poll(10, TimeUnit.SECONDS));
      assertEquals(bytes, received.get());
      assertTrue(link.peakBuffered() <= buffer, "peak " + link.peakBuffered());
    }
  }

  @Test
  void cutAllResetsBothSidesAndNewConnectionsWork() throws Exception {
    try (Peer echo = Peer.echo();
        WanLink link =
            WanLink.to("127.0.0.1", echo.port()).delayEachWay(Duration.ofMillis(5)).start()) {
      Socket s = connect(link);
      ping(s);
      long start = System.nanoTime();
      link.cutAll();
      assertEquals("reset", readEnding(s));
      assertEquals("reset", echo.endings.poll(2, TimeUnit.SECONDS));
      System.out.printf("cutAll: the client saw a reset in %d ms%n", since(start) / MS);
      assertTrue(since(start) < 1_000 * MS);
      assertEquals(1, link.cuts());
      assertEquals(0, link.liveConnections());

      try (Socket again = connect(link)) {
        ping(again);
      }
      link.refuse(true);
      try (Socket refused = connect(link)) {
        assertEquals("reset", readEnding(refused));
      }
      assertEquals(1, link.connectionsRefused());
      link.refuse(false);
      try (Socket again = connect(link)) {
        ping(again);
      }
      assertEquals(3, link.connectionsAccepted());
    }
  }

  @Test
  void cutAfterCutsAtTheCountBothWaysTogether() throws Exception {
    try (Peer echo = Peer.echo();
        WanLink link = WanLink.to("127.0.0.1", echo.port()).start();
        Socket s = connect(link)) {
      link.cutAfter(105_000);
      // In lockstep, 10,000 bytes there and back: five round trips cross 100,000 bytes, and the
      // sixth is cut after 5,000 bytes of its way there.
      byte[] piece = new byte[10_000];
      byte[] back = new byte[10_000];
      int roundTrips = 0;
      String ending = null;
      while (ending == null && roundTrips < 20) {
        try {
          s.getOutputStream().write(piece);
          s.getInputStream().readNBytes(back, 0, back.length);
          roundTrips++;
        } catch (IOException e) {
          ending = Peer.ending(e);
        }
      }
      System.out.printf(
          "cutAfter(105000): %d bytes to the server, %d back, after %d round trips%n",
          link.bytesToServer(), link.bytesToClient(), roundTrips);
      assertEquals("reset", ending);
      assertEquals(5, roundTrips);
      assertEquals(55_000, link.bytesToServer());
      assertEquals(50_000, link.bytesToClient());
      assertEquals("reset", echo.endings.poll(2, TimeUnit.SECONDS));
      assertEquals(1, link.cuts());

      try (Socket again = connect(link)) {
        Peer.sendPattern(again.getOutputStream(), 300_000); // no second cut
        again.shutdownOutput();
        AtomicLong got = new AtomicLong();
        Peer.expectPattern(again.getInputStream(), got);
        assertEquals(300_000, got.get());
      }
      assertEquals(1, link.cuts());
    }
  }

  @Test
  void countersCountWhatCrossed() throws Exception {
    try (Peer echo = Peer.echo();
        WanLink link = WanLink.to("127.0.0.1", echo.port()).bandwidth(50_000_000).start()) {
      for (int i = 0; i < 2; i++) {
        try (Socket s = connect(link)) {
          Peer.sendPattern(s.getOutputStream(), 300_000);
          s.shutdownOutput(); // the half-close crosses, and the echo's end comes back
          AtomicLong got = new AtomicLong();
          Peer.expectPattern(s.getInputStream(), got);
          assertEquals(300_000, got.get());
        }
      }
      assertEquals(600_000, link.bytesToServer());
      assertEquals(600_000, link.bytesToClient());
      assertEquals(2, link.connectionsAccepted());
      assertEquals(0, link.cuts());
      awaitTrue(() -> link.liveConnections() == 0);
      link.resetCounters();
      assertEquals(0, link.bytesToServer() + link.bytesToClient() + link.connectionsAccepted());
      assertEquals(0, link.peakBuffered());
    }
  }

  @Test
  void closeResetsEveryConnectionAndLeavesNoThread() throws Exception {
    int connections = 40;
    Socket[] sockets = new Socket[connections];
    String prefix;
    try (Peer echo = Peer.echo()) {
      WanLink link =
          WanLink.to("127.0.0.1", echo.port()).delayEachWay(Duration.ofMillis(10)).start();
      prefix = "wan-link " + link.port() + " ";
      for (int i = 0; i < connections; i++) {
        sockets[i] = connect(link);
        ping(sockets[i]);
      }
      assertEquals(connections, link.liveConnections());
      assertEquals(1 + 4 * connections, threads(prefix).size());
      link.close();
      assertEquals(List.of(), threads(prefix));
      for (Socket s : sockets) {
        assertEquals("reset", readEnding(s));
        s.close();
      }
      try (Socket refused = new Socket()) {
        refused.connect(link.address(), 1_000);
      } catch (IOException e) {
        return; // nobody listens any more
      }
      throw new AssertionError("the link still listens after close");
    }
  }

  private static Socket connect(WanLink link) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout(10_000);
    s.connect(link.address());
    return s;
  }

  /** Round trips of one byte through the link, sorted. */
  private static long[] pings(WanLink link, int n) throws IOException {
    long[] rtt = new long[n];
    try (Socket s = connect(link)) {
      ping(s); // the connection to the target is made
      for (int i = 0; i < n; i++) {
        rtt[i] = ping(s);
      }
    }
    Arrays.sort(rtt);
    return rtt;
  }

  private static long ping(Socket s) throws IOException {
    long start = System.nanoTime();
    s.getOutputStream().write(42);
    assertEquals(42, s.getInputStream().read());
    return System.nanoTime() - start;
  }

  /** Sends {@code bytes} of the pattern and its end; the nanoseconds until the server's end. */
  private static long push(WanLink link, long bytes) throws IOException {
    try (Socket s = connect(link)) {
      long start = System.nanoTime();
      Peer.sendPattern(s.getOutputStream(), bytes);
      s.shutdownOutput();
      assertEquals(-1, s.getInputStream().read());
      return System.nanoTime() - start;
    }
  }

  /** How a read of {@code s} ends within 2 s: "eof", "reset", or the exception's name. */
  private static String readEnding(Socket s) throws IOException {
    s.setSoTimeout(2_000);
    try {
      while (s.getInputStream().read() >= 0) {
        // whatever was in flight
      }
      return "eof";
    } catch (SocketTimeoutException e) {
      return "SocketTimeoutException";
    } catch (IOException e) {
      return Peer.ending(e);
    }
  }

  private static Thread reader(InputStream in, AtomicLong got, AtomicReference<Exception> failed) {
    return thread(
        () -> {
          try {
            Peer.expectPattern(in, got);
          } catch (IOException e) {
            failed.set(e);
          }
        });
  }

  private static Thread thread(Runnable r) {
    Thread t = new Thread(r, "wan-link-test");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits for {@code count} to stay the same for 300 ms (at most 10 s), and answers it. */
  private static long awaitSteady(AtomicLong count) throws InterruptedException {
    long last = -1;
    for (int i = 0; i < 100; i++) {
      Thread.sleep(300);
      long now = count.get();
      if (now == last) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("still moving: " + last);
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    assertTrue(condition.getAsBoolean());
  }

  private static List<String> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(prefix))
        .collect(Collectors.toList());
  }

  private static long since(long start) {
    return System.nanoTime() - start;
  }

  private static String millis(long[] nanos) {
    return Arrays.stream(nanos).mapToObj(n -> String.valueOf(n / MS)).toList().toString();
  }
}
