package io.granary.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner behind every module's boundary test can fail, and fails for the right reasons. */
class ImportRulesTest {
  /** The rule nbd-server's tests live by: below it, snapshots and dedupe. */
  private static final BiPredicate<Path, String> NBD_TESTS =
      ImportRules.testCode("io.granary.nbd", "io.granary.snapshots", "io.granary.dedupe");

  @TempDir Path dir;

  private Path source(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void testCodeMayUseItsOwnModuleTheApisAndTheTestSeamsBelowAndTestSupport() {
    Path f = dir.resolve("T.java");
    for (String ok :
        List.of(
            "io.granary.nbd.protocol.NbdMagic",
            "io.granary.nbd.Foo",
            "io.granary.snapshots.api.Volume",
            "io.granary.snapshots.testing.TestPool",
            "io.granary.dedupe.api.ChunkId",
            "io.granary.dedupe.testing.FaultyMedium",
            "io.granary.dedupe.testing",
            "io.granary.testing.TestData",
            "io.granary.nbd.testing.NbdWire.hex")) {
      assertTrue(NBD_TESTS.test(f, ok), ok);
    }
    for (String bad :
        List.of(
            "io.granary.dedupe.store.LocalChunkStore",
            "io.granary.dedupe.pack.RecordHeader",
            "io.granary.dedupe.index.ChunkIndex",
            "io.granary.snapshots.volume.DefaultVolumeStore",
            "io.granary.fuse.api.FuseMount",
            "io.granary.appliance.Anything",
            "io.granary.nbdx.Foo",
            "io.granary.dedupe.apix.Foo",
            "io.granary.dedupe")) {
      assertFalse(NBD_TESTS.test(f, bad), bad);
    }
  }

  @Test
  void everyKindOfImportIsChecked() throws Exception {
    Path f =
        source(
            "Imports.java",
            """
        package io.granary.nbd;

        import static io.granary.dedupe.pack.RecordHeader.SIZE;
        import io.granary.dedupe.api.ChunkId;
        import io.granary.dedupe.store.*;
        import io.granary.snapshots.volume.DefaultVolumeStore;
        import io.granary.testing.TestData;

        class Imports {}
        """);
    assertEquals(
        List.of(
            f + " imports io.granary.dedupe.pack.RecordHeader.SIZE",
            f + " imports io.granary.dedupe.store",
            f + " imports io.granary.snapshots.volume.DefaultVolumeStore"),
        ImportRules.violations(dir, 1, NBD_TESTS));
  }

  @Test
  void aNameWrittenOutInFullInTheCodeIsCheckedToo() throws Exception {
    Path f =
        source(
            "Inline.java",
            """
        package io.granary.nbd;

        class Inline {
          int size = io.granary.dedupe.pack.RecordHeader.SIZE;
          Object store = io.granary.dedupe.store.LocalChunkStore.open(null);
          Object ok = io.granary.dedupe.api.ProgressListener.NONE;
          Object again = io.granary.dedupe.pack.RecordHeader.MAGIC;
        }
        """);
    assertEquals(
        List.of(
            f + " names io.granary.dedupe.pack.RecordHeader",
            f + " names io.granary.dedupe.store.LocalChunkStore"),
        ImportRules.violations(dir, 1, NBD_TESTS));
  }

  @Test
  void commentsAndLiteralsAreNotCode() throws Exception {
    source(
        "Quiet.java",
        """
        package io.granary.nbd;

        // io.granary.dedupe.store.LocalChunkStore in a line comment
        /** {@link io.granary.dedupe.pack.RecordHeader} in Javadoc, "a quote" and 'one' too. */
        class Quiet {
          String s = "io.granary.dedupe.store.LocalChunkStore \\" io.granary.dedupe.pack.X";
          char c = '"';
          String t = \"""
              io.granary.snapshots.volume.DefaultVolumeStore in a text block, \\\""" too
              \""";
          /* import io.granary.dedupe.index.ChunkIndex; */
        }
        """);
    assertEquals(List.of(), ImportRules.violations(dir, 1, NBD_TESTS));
  }

  @Test
  void codeAfterALiteralIsStillSeen() throws Exception {
    Path f =
        source(
            "After.java",
            """
        package io.granary.nbd;

        class After {
          String s = "a \\"quoted\\" word"; char c = '\\''; Object o = io.granary.dedupe.store.X.Y;
        }
        """);
    assertEquals(
        List.of(f + " names io.granary.dedupe.store.X"), ImportRules.violations(dir, 1, NBD_TESTS));
  }

  @Test
  void tooFewSourcesFailInsteadOfPassingVacuously() throws Exception {
    source("One.java", "package io.granary.nbd;\nclass One {}\n");
    assertThrows(AssertionError.class, () -> ImportRules.violations(dir, 2, NBD_TESTS));
  }
}
