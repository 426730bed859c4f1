package io.granary.dedupe.pack;

import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a file mapping at once. The JDK unmaps only when the garbage collector finds the
 * buffer unreachable, which may be long after the pack was deleted, and a deleted file's disk
 * space stays taken while it is mapped. {@code sun.misc.Unsafe.invokeCleaner} (module
 * {@code jdk.unsupported}, as Lucene and Netty use it) does it now.
 *
 * <p>The caller guarantees that no thread touches the buffer or a slice of it afterwards: a
 * touch would read unmapped memory and crash the JVM. Without {@code Unsafe} the mapping is
 * left to the garbage collector, which is safe but slow to give space back.
 */
final class Mappings {
  private static final System.Logger LOG = System.getLogger(Mappings.class.getName());
  private static final sun.misc.Unsafe UNSAFE = unsafe();

  private Mappings() {}

  /** Unmaps {@code mapping} (a buffer {@code FileChannel.map} returned), or does nothing. */
  static void unmap(MappedByteBuffer mapping) {
    if (mapping != null && UNSAFE != null) {
      UNSAFE.invokeCleaner(mapping);
    }
  }

  private static sun.misc.Unsafe unsafe() {
    try {
      Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return (sun.misc.Unsafe) f.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.WARNING, "pack mappings will be unmapped by the garbage collector: " + e);
      return null;
    }
  }
}
