package io.granary.appliance.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.granary.appliance.pool.AtomicFile;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each volume's replications came to, kept in {@code DATA/replication.json}: the newest
 * snapshot that reached a remote and when it was taken (a volume's replication lag is that
 * snapshot's age: what the remote would lack if this site were lost now), and the failures
 * since.
 *
 * <p>Written through: every change replaces the file whole ({@link AtomicFile}), one small
 * write per replication. A file that cannot be read (hand-edited, damaged) is logged and
 * started afresh: it only makes lags look as if nothing were replicated yet, which the next
 * replication mends; it never loses data. Thread-safe: every method holds this object's lock.
 */
public final class ReplicationHistory {
  private static final System.Logger LOG = System.getLogger(ReplicationHistory.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One volume's replications: the last success ({@code snapshot} taken at {@code taken}, sent
   * to {@code to}, done at {@code succeeded}; all null before the first) and the failures in a
   * row since ({@code failures}, the latest at {@code failed} with {@code error}).
   */
  public record Entry(
      String to,
      String snapshot,
      Instant taken,
      Instant succeeded,
      int failures,
      Instant failed,
      String error) {

    /** How far the remote is behind at {@code now}; null if nothing reached it yet. */
    public java.time.Duration lag(Instant now) {
      return taken == null ? null : java.time.Duration.between(taken, now);
    }
  }

  private final Path file;
  private final Map<String, Entry> byVolume = new TreeMap<>();

  private ReplicationHistory(Path file) {
    this.file = file;
  }

  /** The history kept in {@code file} (none yet if it does not exist). */
  public static ReplicationHistory open(Path file) {
    ReplicationHistory h = new ReplicationHistory(file);
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        h.byVolume.put(e.getKey(), decode(e.getValue()));
      }
    } catch (NoSuchFileException e) {
      // Nothing replicated yet.
    } catch (IOException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "{0} cannot be read ({1}): replication lags start afresh",
          file,
          e.getMessage());
      h.byVolume.clear();
    }
    return h;
  }

  /** {@code pool/volume}'s entry, or null if it never replicated. */
  public synchronized Entry of(String pool, String volume) {
    return byVolume.get(pool + "/" + volume);
  }

  /** {@code snapshot}, taken at {@code taken}, reached {@code to} at {@code at}. */
  public synchronized void succeeded(
      String pool, String volume, String to, String snapshot, Instant taken, Instant at)
      throws IOException {
    // Even an older snapshot than the last one: the remote's replica now holds that state.
    change(pool + "/" + volume, new Entry(to, snapshot, taken, at, 0, null, null));
  }

  /** A replication to {@code to} failed at {@code at}. */
  public synchronized void failed(String pool, String volume, String to, String error, Instant at)
      throws IOException {
    Entry old = byVolume.get(pool + "/" + volume);
    change(
        pool + "/" + volume,
        old == null
            ? new Entry(to, null, null, null, 1, at, error)
            : new Entry(
                old.to(),
                old.snapshot(),
                old.taken(),
                old.succeeded(),
                old.failures() + 1,
                at,
                error));
  }

  /** Drops the entries of {@code pool}'s volumes not among {@code volumes}: deleted ones. */
  public synchronized void retain(String pool, Set<String> volumes) throws IOException {
    String prefix = pool + "/";
    if (byVolume
        .keySet()
        .removeIf(k -> k.startsWith(prefix) && !volumes.contains(k.substring(prefix.length())))) {
      save();
    }
  }

  private void change(String key, Entry e) throws IOException {
    Entry before = byVolume.put(key, e);
    try {
      save();
    } catch (IOException x) {
      if (before == null) {
        byVolume.remove(key);
      } else {
        byVolume.put(key, before);
      }
      throw x;
    }
  }

  private void save() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    byVolume.forEach((k, e) -> root.set(k, encode(e)));
    AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }

  private static ObjectNode encode(Entry e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("to", e.to());
    n.put("snapshot", e.snapshot());
    n.put("taken", text(e.taken()));
    n.put("succeeded", text(e.succeeded()));
    n.put("failures", e.failures());
    n.put("failed", text(e.failed()));
    n.put("error", e.error());
    return n;
  }

  private static Entry decode(JsonNode n) {
    return new Entry(
        string(n, "to"),
        string(n, "snapshot"),
        instant(n, "taken"),
        instant(n, "succeeded"),
        n.path("failures").asInt(),
        instant(n, "failed"),
        string(n, "error"));
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static String string(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isTextual() ? v.asText() : null;
  }

  private static Instant instant(JsonNode n, String field) {
    String s = string(n, field);
    return s == null ? null : Instant.parse(s);
  }
}
