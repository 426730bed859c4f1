package io.granary.appliance.pool;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * What the daemon itself remembers, in {@code DATA/appliance.json}: the pools created through
 * the API and the profiles. Written whole to a temporary file, fsynced and renamed over the old
 * one, so a crash leaves the old state or the new one.
 */
public record ApplianceState(int version, List<PoolEntry> pools, List<ProfileEntry> profiles) {

  /** A pool: its name, its directory and its default profile. */
  public record PoolEntry(String name, String path, String profile, String created) {}

  /** A profile: its name and its settings (their meaning arrives with the profiles issue). */
  public record ProfileEntry(String name, Map<String, Object> settings) {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static ApplianceState empty() {
    return new ApplianceState(1, List.of(), List.of());
  }

  public static ApplianceState load(Path file) throws IOException {
    if (!Files.exists(file)) {
      return empty();
    }
    ApplianceState s = JSON.readValue(file.toFile(), ApplianceState.class);
    if (s.version() != 1) {
      throw new IOException(file + " has version " + s.version() + "; this build reads 1");
    }
    return new ApplianceState(1, s.pools() == null ? List.of() : s.pools(),
        s.profiles() == null ? List.of() : s.profiles());
  }

  public void save(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(this));
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      c.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
