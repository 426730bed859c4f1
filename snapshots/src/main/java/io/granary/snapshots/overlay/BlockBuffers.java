package io.granary.snapshots.overlay;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory dirty blocks live in, off the Java heap: buffers of one block size cut from
 * direct slabs of at least 1 MiB and kept for reuse when their block is flushed. Dirty data
 * sized from RAM (gigabytes) then neither grows the heap nor feeds the garbage collector, and a
 * steady write stream allocates nothing once the slabs exist.
 *
 * <p>One pool per process (the budgets of the pools bound what is taken). Thread-safe and
 * lock-free: a free queue per block size.
 *
 * <p>Not done here: accounting (the {@link DirtyBudget} decides who may take memory), zeroing
 * (a buffer comes back with old bytes: {@link DirtyBlock} only reads bytes it defined), and
 * giving memory back to the system (a slab stays once made; a process whose dirty peak was
 * high keeps that much, as the kernel's page cache would).
 */
public final class BlockBuffers {
  private static final System.Logger LOG = System.getLogger(BlockBuffers.class.getName());
  private static final int SLAB = 1 << 20;
  private static final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<ByteBuffer>> FREE =
      new ConcurrentHashMap<>();
  private static final AtomicLong SLAB_BYTES = new AtomicLong();
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private BlockBuffers() {}

  /** A buffer of {@code size} bytes, position 0, limit {@code size}, content undefined. */
  public static ByteBuffer take(int size) {
    ConcurrentLinkedQueue<ByteBuffer> free =
        FREE.computeIfAbsent(size, s -> new ConcurrentLinkedQueue<>());
    ByteBuffer b = free.poll();
    if (b != null) {
      return b.clear();
    }
    return carve(size, free);
  }

  /** Returns a buffer {@link #take} gave; its owner must not touch it afterwards. */
  public static void give(ByteBuffer b) {
    if (b.isDirect()) {
      FREE.computeIfAbsent(b.capacity(), s -> new ConcurrentLinkedQueue<>()).add(b);
    }
  }

  /** Bytes of slabs made so far (what the process holds for dirty blocks at its peak). */
  public static long slabBytes() {
    return SLAB_BYTES.get();
  }

  private static ByteBuffer carve(int size, ConcurrentLinkedQueue<ByteBuffer> free) {
    int count = Math.max(1, SLAB / size);
    ByteBuffer slab;
    try {
      slab = ByteBuffer.allocateDirect(count * size);
    } catch (OutOfMemoryError e) {
      // The JVM's direct-memory limit is below the dirty bound (a launcher without
      // -XX:MaxDirectMemorySize): the heap holds this block, and is garbage once flushed.
      if (WARNED.compareAndSet(false, true)) {
        LOG.log(
            Level.WARNING,
            "direct memory exhausted after {0} bytes of dirty blocks; further blocks go on the"
                + " heap (raise -XX:MaxDirectMemorySize above volumes.dirty-limit)",
            SLAB_BYTES.get());
      }
      return ByteBuffer.allocate(size);
    }
    SLAB_BYTES.addAndGet((long) count * size);
    for (int i = 1; i < count; i++) {
      free.add(slab.slice(i * size, size));
    }
    return slab.slice(0, size);
  }
}
