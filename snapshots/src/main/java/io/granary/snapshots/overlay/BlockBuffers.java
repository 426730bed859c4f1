package io.granary.snapshots.overlay;

import io.granary.snapshots.api.VolumeSpec;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * The memory dirty blocks live in, off the Java heap: 1 MiB direct slabs, each cut into
 * buffers of one block size, kept for reuse when their blocks are flushed. Dirty data sized
 * from RAM (gigabytes) then neither grows the heap nor feeds the garbage collector, and a steady
 * write stream allocates nothing once the slabs exist.
 *
 * <p>A slab none of whose buffers is taken is <em>idle</em> and may be cut again for any block
 * size, so the memory held follows the peak of blocks in use whatever mix of block sizes the
 * volumes have. (Free lists per size alone would keep each size's peak: volumes of 4 KiB, 16
 * KiB and 64 KiB blocks written one after the other would hold three times the dirty bound.)
 * Within one size a slab with some buffers taken serves only that size: the waste is at most
 * one partly used slab per block still dirty, and flushes release a volume's blocks together.
 *
 * <p>One pool per process (the budgets of the pools bound what is taken). Thread-safe: one
 * lock, held for a few list operations per block taken or given (the 1 MiB allocation of a new
 * slab happens outside it).
 *
 * <p>Not done here: accounting (the {@link DirtyBudget} decides who may take memory), zeroing
 * (a buffer comes back with old bytes: {@link DirtyBlock} only reads bytes it defined), and
 * giving memory back to the system (a slab stays once made; a process whose dirty peak was
 * high keeps that much, as the kernel's page cache would).
 */
public final class BlockBuffers {
  private static final System.Logger LOG = System.getLogger(BlockBuffers.class.getName());
  private static final int SLAB = VolumeSpec.MAX_BLOCK_SIZE;
  private static final Object LOCK = new Object();

  /** Per block size: slabs with some buffers taken and some free. */
  private static final Map<Integer, LinkedHashSet<Slab>> PARTIAL = new HashMap<>();

  /** Per block size (the size each was last cut for): slabs with no buffer taken. */
  private static final Map<Integer, ArrayDeque<Slab>> IDLE = new HashMap<>();

  private static long slabBytes;
  private static boolean warned;

  private BlockBuffers() {}

  /** One block's buffer, taken until {@link #give} (a lease on part of a slab). */
  public static final class Lease {
    private final ByteBuffer buffer;
    private final Slab slab; // null for a heap buffer (direct memory exhausted)

    private Lease(ByteBuffer buffer, Slab slab) {
      this.buffer = buffer;
      this.slab = slab;
    }

    /** The bytes: position 0, limit the block size, content undefined. */
    public ByteBuffer buffer() {
      return buffer;
    }
  }

  /** A slab cut into {@code free.size() + taken} buffers of {@code size} bytes. */
  private static final class Slab {
    final ByteBuffer memory;
    final ArrayDeque<Lease> free = new ArrayDeque<>();
    int size;
    int count;
    int taken;

    Slab(ByteBuffer memory) {
      this.memory = memory;
    }

    /** Cuts the slab for {@code blockSize}; only while no buffer of it is taken. */
    void cut(int blockSize) {
      free.clear();
      size = blockSize;
      count = memory.capacity() / blockSize;
      for (int i = 0; i < count; i++) {
        free.add(new Lease(memory.slice(i * blockSize, blockSize), this));
      }
    }
  }

  /** A buffer of {@code size} bytes ({@link VolumeSpec} block sizes), to be given back. */
  public static Lease take(int size) {
    synchronized (LOCK) {
      Lease lease = takeHeld(size);
      if (lease != null) {
        return lease;
      }
    }
    ByteBuffer memory = allocate();
    if (memory == null) {
      return new Lease(ByteBuffer.allocate(size), null);
    }
    synchronized (LOCK) {
      slabBytes += memory.capacity();
      Slab slab = new Slab(memory);
      slab.cut(size);
      return lend(slab);
    }
  }

  /** Returns a buffer {@link #take} gave; its owner must not touch it afterwards. */
  public static void give(Lease lease) {
    Slab slab = lease.slab;
    if (slab == null) {
      return; // a heap buffer: garbage now
    }
    synchronized (LOCK) {
      slab.free.push(lease);
      slab.taken--;
      if (slab.taken == 0) {
        PARTIAL.get(slab.size).remove(slab);
        IDLE.computeIfAbsent(slab.size, s -> new ArrayDeque<>()).push(slab);
      } else if (slab.taken == slab.count - 1) {
        PARTIAL.computeIfAbsent(slab.size, s -> new LinkedHashSet<>()).add(slab);
      }
    }
  }

  /** Bytes of slabs made so far (what the process holds for dirty blocks at its peak). */
  public static long slabBytes() {
    synchronized (LOCK) {
      return slabBytes;
    }
  }

  /** A buffer from a slab already made: one of this size, else an idle slab cut again. */
  private static Lease takeHeld(int size) {
    LinkedHashSet<Slab> partial = PARTIAL.get(size);
    if (partial != null && !partial.isEmpty()) {
      return lend(partial.iterator().next());
    }
    ArrayDeque<Slab> idle = IDLE.get(size);
    if (idle != null && !idle.isEmpty()) {
      return lend(idle.pop());
    }
    for (ArrayDeque<Slab> other : IDLE.values()) {
      Slab slab = other.poll();
      if (slab != null) {
        slab.cut(size);
        return lend(slab);
      }
    }
    return null;
  }

  /** Takes a free buffer of {@code slab}, which is idle or partly taken. */
  private static Lease lend(Slab slab) {
    Lease lease = slab.free.pop();
    slab.taken++;
    LinkedHashSet<Slab> partial = PARTIAL.computeIfAbsent(slab.size, s -> new LinkedHashSet<>());
    if (slab.taken == slab.count) {
      partial.remove(slab);
    } else if (slab.taken == 1) {
      partial.add(slab);
    }
    lease.buffer.clear();
    return lease;
  }

  private static ByteBuffer allocate() {
    try {
      return ByteBuffer.allocateDirect(SLAB);
    } catch (OutOfMemoryError e) {
      // The JVM's direct-memory limit is below the dirty bound (a launcher without
      // -XX:MaxDirectMemorySize): the heap holds this block, and is garbage once flushed.
      synchronized (LOCK) {
        if (!warned) {
          warned = true;
          LOG.log(
              Level.WARNING,
              "direct memory exhausted after {0} bytes of dirty blocks; further blocks go on"
                  + " the heap (raise -XX:MaxDirectMemorySize above volumes.dirty-limit)",
              slabBytes);
        }
      }
      return null;
    }
  }
}
