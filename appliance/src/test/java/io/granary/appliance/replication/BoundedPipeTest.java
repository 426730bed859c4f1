package io.granary.appliance.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The pipe between a plan's writer and the HTTP client: whole, whoever reads; breakable. */
class BoundedPipeTest {
  @Test
  void everyByteArrivesWhicheverThreadsReadIt() throws Exception {
    byte[] data = new byte[10 << 20];
    new Random(1).nextBytes(data);
    BoundedPipe pipe = new BoundedPipe(4);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<?> w =
        writer.submit(
            () -> {
              try (var out = pipe.out) {
                for (int i = 0; i < data.length; i += 100_000) {
                  out.write(data, i, Math.min(100_000, data.length - i));
                }
              }
              return null;
            });
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[70_000];
    AtomicBoolean ended = new AtomicBoolean();
    while (!ended.get()) {
      // Each slice is read by a new thread that then ends, as an HTTP client's pool may do.
      Thread t =
          new Thread(
              () -> {
                try {
                  for (int k = 0; k < 20; k++) {
                    int n = pipe.in.read(buf, 0, buf.length);
                    if (n < 0) {
                      ended.set(true);
                      return;
                    }
                    got.write(buf, 0, n);
                  }
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      t.start();
      t.join();
    }
    w.get();
    writer.shutdown();
    assertArrayEquals(data, got.toByteArray());
  }

  @Test
  void aClosedReaderFailsTheWriter() throws Exception {
    BoundedPipe pipe = new BoundedPipe(2);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<?> w =
        writer.submit(
            () -> {
              byte[] chunk = new byte[1 << 20];
              for (int i = 0; i < 100; i++) {
                pipe.out.write(chunk);
              }
              return null;
            });
    pipe.in.read(new byte[1000]);
    pipe.in.close();
    ExecutionException e = assertThrows(ExecutionException.class, w::get);
    assertThrows(
        IOException.class,
        () -> {
          throw e.getCause();
        });
    writer.shutdown();
  }
}
