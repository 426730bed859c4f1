package io.granary.nbd.session;

import static io.granary.nbd.session.ConnectionQuota.Admission.ADMITTED;
import static io.granary.nbd.session.ConnectionQuota.Admission.OVER_CLIENT;
import static io.granary.nbd.session.ConnectionQuota.Admission.OVER_TOTAL;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionQuotaTest {
  @Test
  void eachClientUpToItsLimitAndAllUpToTheTotal() {
    ConnectionQuota q = new ConnectionQuota(5, 2);
    assertEquals(ADMITTED, q.admit("a"));
    assertEquals(ADMITTED, q.admit("a"));
    assertEquals(OVER_CLIENT, q.admit("a"));
    assertEquals(ADMITTED, q.admit("b"));
    assertEquals(ADMITTED, q.admit("b"));
    assertEquals(ADMITTED, q.admit("c"));
    assertEquals(OVER_TOTAL, q.admit("d"));
    assertEquals(OVER_TOTAL, q.admit("c"), "the total is checked first");
    assertEquals(5, q.open());
    assertEquals(2, q.open("a"));
  }

  @Test
  void aReleaseFreesItsClientsSlotAndTheLastOneForgetsTheClient() {
    ConnectionQuota q = new ConnectionQuota(10, 1);
    assertEquals(ADMITTED, q.admit("a"));
    assertEquals(OVER_CLIENT, q.admit("a"));
    assertEquals(1, q.open(), "a refusal leaves the total as it was");
    q.release("a");
    assertEquals(0, q.clients());
    assertEquals(0, q.open());
    assertEquals(ADMITTED, q.admit("a"));
  }

  @Test
  void concurrentAdmissionsNeverPassTheLimits() throws Exception {
    int threads = 8;
    ConnectionQuota q = new ConnectionQuota(50, 10);
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String client = "c" + (t % 4);
      Thread th =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 1000; i++) {
                  if (q.admit(client) == ADMITTED) {
                    admitted.incrementAndGet();
                    if (i % 3 == 0) {
                      q.release(client);
                      admitted.decrementAndGet();
                    }
                  }
                }
              });
      th.start();
      all.add(th);
    }
    go.countDown();
    for (Thread th : all) {
      th.join();
    }
    assertEquals(admitted.get(), q.open());
    for (int c = 0; c < 4; c++) {
      assertEquals(10, q.open("c" + c), "every client ends at its limit");
    }
    assertEquals(40, q.open());
  }
}
