package io.granary.snapshots.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.dedupe.api.ChunkId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlockMapTest {
  private final MemoryPageStore pages = new MemoryPageStore();
  private final BlockMap map = new BlockMap(pages);

  private static ChunkId data(long n) {
    ByteBuffer b = ByteBuffer.allocate(32);
    b.putLong(0x0123456789abcdefL).putLong(n).putLong(~n).putLong(n * 31);
    return ChunkId.of(b.array());
  }

  @Test
  void shapeAtTheFanOutEdges() {
    assertEquals(1, TreeShape.depth(0));
    assertEquals(1, TreeShape.depth(512));
    assertEquals(2, TreeShape.depth(513));
    assertEquals(2, TreeShape.depth(512L * 512));
    assertEquals(3, TreeShape.depth(512L * 512 + 1));
    assertEquals(0, TreeShape.blocks(0, 4096));
    assertEquals(1, TreeShape.blocks(1, 4096));
    assertEquals(1, TreeShape.blocks(4096, 4096));
    assertEquals(2, TreeShape.blocks(4097, 4096));
  }

  @Test
  void pagesRoundTripAndRejectGarbage() {
    MapPage p = MapPage.empty(2).with(0, data(1)).with(7, data(2));
    MapPage back = MapPage.decode(p.encode());
    assertEquals(2, back.level());
    assertEquals(data(1), back.get(0));
    assertEquals(data(2), back.get(7));
    assertNull(back.get(1));
    assertEquals(MapPage.HEADER + 8 * 32, p.encode().length, "trailing holes are not stored");
    byte[] bad = p.encode();
    bad[0] ^= 1;
    assertThrows(IllegalArgumentException.class, () -> MapPage.decode(bad));
    assertThrows(
        IllegalArgumentException.class, () -> MapPage.decode(Arrays.copyOf(p.encode(), 20)));
  }

  @Test
  void anEmptyTreeIsAHoleAndAllHolePagesVanish() throws Exception {
    ChunkId root = map.update(null, 2, new TreeMap<>(Map.of(600L, data(1))));
    assertEquals(data(1), map.lookup(root, 2, 600));
    TreeMap<Long, ChunkId> clear = new TreeMap<>();
    clear.put(600L, null);
    assertNull(map.update(root, 2, clear));
  }

  /** Random updates, depth changes and truncations checked block by block against a map. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void behavesLikeAPlainMap(long seed) throws Exception {
    Random r = new Random(seed);
    Map<Long, ChunkId> model = new HashMap<>();
    long blocks = 1 + r.nextInt(3000);
    int depth = TreeShape.depth(blocks);
    ChunkId root = null;
    for (int step = 0; step < 200; step++) {
      int op = r.nextInt(10);
      if (op == 9) {
        long from = (long) (r.nextDouble() * blocks);
        long to = Math.min(blocks, from + (r.nextBoolean() ? r.nextInt(3) : r.nextInt(100_000)));
        root = map.zeroRange(root, depth, from, to);
        model.keySet().removeIf(k -> k >= from && k < to);
      } else if (op < 6) {
        TreeMap<Long, ChunkId> changes = new TreeMap<>();
        int n = 1 + r.nextInt(40);
        long at = (long) (r.nextDouble() * blocks);
        for (int i = 0; i < n; i++) {
          long b =
              r.nextBoolean() ? Math.min(blocks - 1, at + i) : (long) (r.nextDouble() * blocks);
          ChunkId id = r.nextInt(5) == 0 ? null : data(r.nextInt(50));
          changes.put(b, id);
        }
        root = map.update(root, depth, changes);
        changes.forEach(
            (k, v) -> {
              if (v == null) {
                model.remove(k);
              } else {
                model.put(k, v);
              }
            });
      } else {
        long newBlocks = 1 + (long) (r.nextDouble() * (r.nextBoolean() ? 600_000 : 3000));
        if (newBlocks < blocks) {
          root = map.truncate(root, depth, newBlocks);
          model.keySet().removeIf(k -> k >= newBlocks);
        }
        int newDepth = TreeShape.depth(newBlocks);
        root = map.changeDepth(root, depth, newDepth);
        depth = newDepth;
        blocks = newBlocks;
      }
      for (int probe = 0; probe < 30; probe++) {
        long b = (long) (r.nextDouble() * blocks);
        assertEquals(model.get(b), map.lookup(root, depth, b), "seed " + seed + " step " + step);
      }
      for (long b : model.keySet()) {
        assertEquals(model.get(b), map.lookup(root, depth, b));
      }
      // walk: every data block once, holes in runs, nothing outside [0, blocks)
      List<Long> seen = new ArrayList<>();
      long[] covered = {0};
      long expectNext[] = {0};
      long end = blocks;
      map.walk(
          root,
          depth,
          0,
          end,
          (first, count, id) -> {
            assertEquals(expectNext[0], first, "runs are contiguous");
            expectNext[0] = first + count;
            covered[0] += count;
            if (id != null) {
              assertEquals(1, count);
              seen.add(first);
              assertEquals(model.get(first), id);
            }
          });
      assertEquals(blocks, covered[0]);
      assertEquals(new HashSet<>(model.keySet()), new HashSet<>(seen));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void diffFindsExactlyTheChangedBlocksAcrossDepths(long seed) throws Exception {
    Random r = new Random(seed);
    Map<Long, ChunkId> a = new HashMap<>();
    Map<Long, ChunkId> b = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      long blk = r.nextInt(5000);
      ChunkId id = data(r.nextInt(1000));
      a.put(blk, id);
      if (r.nextInt(4) != 0) {
        b.put(blk, id);
      }
    }
    for (int i = 0; i < 100; i++) {
      b.put((long) r.nextInt(400_000), data(5000 + i)); // b is deeper
    }
    int depthA = TreeShape.depth(5000);
    int depthB = TreeShape.depth(400_000);
    ChunkId ra = map.update(null, depthA, new TreeMap<>(a));
    ChunkId rb = map.update(null, depthB, new TreeMap<>(b));
    Set<Long> expected = new HashSet<>();
    Set<Long> all = new HashSet<>(a.keySet());
    all.addAll(b.keySet());
    for (long k : all) {
      if (!Objects.equals(a.get(k), b.get(k))) {
        expected.add(k);
      }
    }
    Set<Long> got = new HashSet<>();
    map.diff(
        ra,
        depthA,
        rb,
        depthB,
        (first, count) -> {
          for (long i = first; i < first + count; i++) {
            assertTrue(got.add(i), "block reported twice: " + i);
          }
        });
    assertEquals(expected, got);
    Set<Long> back = new HashSet<>();
    map.diff(
        rb,
        depthB,
        ra,
        depthA,
        (first, count) -> {
          for (long i = first; i < first + count; i++) {
            back.add(i);
          }
        });
    assertEquals(expected, back);
    int loads = pages.loads;
    map.diff(
        rb,
        depthB,
        rb,
        depthB,
        (first, count) -> {
          throw new AssertionError("a tree equals itself");
        });
    assertEquals(loads, pages.loads, "equal roots are not even read");
  }

  @Test
  void markingSkipsSubtreesAlreadyMarked() throws Exception {
    TreeMap<Long, ChunkId> changes = new TreeMap<>();
    for (long i = 0; i < 2000; i++) {
      changes.put(i * 7, data(i));
    }
    ChunkId root = map.update(null, 2, changes);
    Set<ChunkId> marked = new HashSet<>();
    map.mark(root, 2, marked::add);
    assertEquals(2000 + 1 + (2000 * 7 / 512 + 1), marked.size());
    int loads = pages.loads;
    map.mark(root, 2, marked::add);
    assertEquals(loads, pages.loads, "a marked root is not descended again");
  }
}
