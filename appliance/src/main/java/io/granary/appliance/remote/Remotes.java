package io.granary.appliance.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.granary.appliance.pool.AtomicFile;
import io.granary.snapshots.api.Names;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The remotes of this appliance, one pair of files each in {@code DATA/remotes/}: {@code
 * NAME.json} (the {@link Remote}, format 1) and {@code NAME.token} (its bearer token), both mode
 * 0600 in a 0700 directory, since the token lets its holder administer the peer.
 *
 * <p>Design note: files are the state, read again on every call (there are a handful), so an
 * edit by hand or a restore is seen at once. Each file is written to a temporary name (starting
 * with a dot, which no remote's name does), fsynced and renamed; the token goes first and the
 * JSON last on add, the JSON first on remove, so {@code NAME.json} existing is what makes a
 * remote exist and a crash leaves at most an orphan token, overwritten by the next add. Changes
 * are serialized by this object's lock: the daemon makes one.
 */
public final class Remotes {
  private static final int FORMAT = 1;
  private static final String JSON_SUFFIX = ".json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;

  private Remotes(Path dir) {
    this.dir = dir;
  }

  /** The remotes kept under the data directory {@code data} (none until the first is added). */
  public static Remotes in(Path data) {
    return new Remotes(data.resolve("remotes"));
  }

  /** Every remote, by name. */
  public synchronized List<Remote> list() throws IOException {
    List<Remote> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + JSON_SUFFIX)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        name = name.substring(0, name.length() - JSON_SUFFIX.length());
        if (Names.isValid(name)) { // skips the temporary files of an interrupted write
          out.add(read(f));
        }
      }
    }
    out.sort(Comparator.comparing(Remote::name));
    return out;
  }

  /** The remote called {@code name}, if there is one. */
  public synchronized Optional<Remote> find(String name) throws IOException {
    Path f = file(name, JSON_SUFFIX);
    return Files.exists(f) ? Optional.of(read(f)) : Optional.empty();
  }

  /** The remote called {@code name}; a {@code NOT_FOUND} {@link RemoteException} if none. */
  public Remote get(String name) throws IOException {
    return find(name).orElseThrow(() -> missing(name));
  }

  /** The bearer token granaryd sends to the remote called {@code name}. */
  public synchronized String token(String name) throws IOException {
    get(name);
    return Files.readString(file(name, ".token"), StandardCharsets.UTF_8).strip();
  }

  /** A client of the remote called {@code name}, pinned to its certificate, with its token. */
  public RemoteClient client(String name) throws IOException {
    synchronized (this) {
      return new RemoteClient(get(name), token(name));
    }
  }

  /** Keeps {@code remote} and its token; an {@code EXISTS} {@link RemoteException} if taken. */
  public synchronized void add(Remote remote, String token) throws IOException {
    if (find(remote.name()).isPresent()) {
      throw new RemoteException(
          RemoteException.Kind.EXISTS, "remote " + remote.name() + " already exists");
    }
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    AtomicFile.write(
        file(remote.name(), ".token"), (token + "\n").getBytes(StandardCharsets.UTF_8));
    AtomicFile.write(file(remote.name(), JSON_SUFFIX), JSON.writeValueAsBytes(encode(remote)));
  }

  /** Forgets the remote called {@code name} and its token. */
  public synchronized void remove(String name) throws IOException {
    Path json = file(name, JSON_SUFFIX);
    if (!Files.exists(json)) {
      throw missing(name);
    }
    Files.delete(json);
    Files.deleteIfExists(file(name, ".token"));
    syncDirectory();
  }

  private Path file(String name, String suffix) throws IOException {
    // The rule keeps a name a single file name: no '/', no leading '.', so no '..' either.
    return dir.resolve(Names.check("remote", name) + suffix);
  }

  private static RemoteException missing(String name) {
    return new RemoteException(
        RemoteException.Kind.NOT_FOUND, "remote " + name + " does not exist");
  }

  private static ObjectNode encode(Remote r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("name", r.name());
    n.put("url", r.url().toString());
    n.put("fingerprint", r.fingerprint().toString());
    n.put("bandwidthLimit", r.bandwidthLimit());
    n.put("created", r.created().toString());
    return n;
  }

  private static Remote read(Path f) throws IOException {
    JsonNode n = JSON.readTree(f.toFile());
    if (n.path("format").asInt() != FORMAT) {
      throw new IOException(f + " has format " + n.path("format") + "; this build reads " + FORMAT);
    }
    try {
      return new Remote(
          n.path("name").asText(),
          Remote.url(n.path("url").asText()),
          Fingerprint.parse(n.path("fingerprint").asText()),
          n.path("bandwidthLimit").asLong(),
          Instant.parse(n.path("created").asText()));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new IOException(f + " is not a valid remote: " + e.getMessage(), e);
    }
  }

  private void syncDirectory() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
