package io.granary.appliance.pool;

import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.problem.Problem;
import io.granary.appliance.problem.ProblemException;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.VolumeStoreConfig;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's pools and profiles: those the configuration declares (the {@code default} pool
 * always), plus those created through the API, which {@code DATA/appliance.json} remembers.
 * Thread-safe: changes are serialized.
 */
public final class Pools implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Pools.class.getName());
  public static final String DEFAULT = "default";

  private final Path stateFile;
  private final VolumeStoreConfig tuning;
  private final Clock clock;
  private final Map<String, Pool> open = new LinkedHashMap<>();
  private final Map<String, ApplianceState.PoolEntry> entries = new LinkedHashMap<>();
  private final Map<String, Map<String, Object>> profiles = new LinkedHashMap<>();
  private final java.util.Set<String> declared = new java.util.HashSet<>();

  private Pools(Path stateFile, VolumeStoreConfig tuning, Clock clock) {
    this.stateFile = stateFile;
    this.tuning = tuning;
    this.clock = clock;
  }

  /** Opens every pool: declared ones (created when new) and those the state file lists. */
  public static Pools open(ApplianceConfig config, Clock clock) throws IOException {
    VolumeStoreConfig tuning = new VolumeStoreConfig(config.data(),
        config.volumes().dirtyLimit(), config.volumes().volumeFlush(),
        config.volumes().flushInterval(), config.volumes().blockCache(),
        config.volumes().pageCache(), 2, clock);
    Pools p = new Pools(config.data().resolve("appliance.json"), tuning, clock);
    ApplianceState state = ApplianceState.load(p.stateFile);
    for (ApplianceState.ProfileEntry e : state.profiles()) {
      p.profiles.put(e.name(), e.settings() == null ? Map.of() : e.settings());
    }
    p.profiles.putIfAbsent(DEFAULT, Map.of());
    for (ApplianceState.PoolEntry e : state.pools()) {
      p.entries.put(e.name(), e);
    }
    Map<String, ApplianceConfig.PoolDeclaration> declarations = new LinkedHashMap<>();
    declarations.put(DEFAULT, new ApplianceConfig.PoolDeclaration(
        config.data().resolve("pools").resolve(DEFAULT), DEFAULT));
    declarations.putAll(config.pools());
    for (Map.Entry<String, ApplianceConfig.PoolDeclaration> d : declarations.entrySet()) {
      Names.check("pool", d.getKey());
      p.declared.add(d.getKey());
      p.entries.putIfAbsent(d.getKey(), new ApplianceState.PoolEntry(d.getKey(),
          d.getValue().path().toString(), d.getValue().profile(), Instant.now(clock).toString()));
    }
    try {
      for (ApplianceState.PoolEntry e : p.entries.values()) {
        p.open.put(e.name(), Pool.open(e.name(), Path.of(e.path()), e.profile(), tuning));
        LOG.log(Level.INFO, "pool {0} open at {1}", e.name(), e.path());
      }
      p.save();
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  public synchronized List<Pool> list() {
    return new ArrayList<>(open.values());
  }

  public synchronized Pool get(String name) throws ProblemException {
    Pool p = open.get(name);
    if (p == null) {
      throw new ProblemException(Problem.NOT_FOUND, "pool " + name + " does not exist");
    }
    return p;
  }

  public synchronized String created(String name) {
    ApplianceState.PoolEntry e = entries.get(name);
    return e == null ? null : e.created();
  }

  public synchronized Pool create(String name, Path path, String profile) throws IOException {
    Names.check("pool", name);
    if (open.containsKey(name)) {
      throw new ProblemException(Problem.EXISTS, "pool " + name + " already exists");
    }
    requireProfile(profile);
    if (Files.exists(path.resolve("store"))) {
      throw new ProblemException(Problem.EXISTS, path + " already holds a pool");
    }
    Pool p = Pool.open(name, path, profile, tuning);
    open.put(name, p);
    entries.put(name, new ApplianceState.PoolEntry(name, path.toString(), profile,
        Instant.now(clock).toString()));
    save();
    LOG.log(Level.INFO, "pool {0} created at {1}", name, path);
    return p;
  }

  /** Deletes a pool and its directory; refused while it holds volumes unless {@code recursive}. */
  public synchronized void delete(String name, boolean recursive, boolean dryRun)
      throws IOException {
    Pool p = get(name);
    if (declared.contains(name)) {
      throw new ProblemException(Problem.BUSY, "pool " + name
          + " is declared by the configuration; remove it there first");
    }
    int volumes = p.volumes().list().size();
    if (volumes > 0 && !recursive) {
      throw new ProblemException(Problem.BUSY, "pool " + name + " holds " + volumes
          + " volumes; delete them too with -r");
    }
    for (var v : p.volumes().list()) {
      if (p.volumes().openHandles(v.name()) > 0) {
        throw new ProblemException(Problem.BUSY, "volume " + name + "/" + v.name() + " is in use");
      }
    }
    if (dryRun) {
      return;
    }
    open.remove(name);
    entries.remove(name);
    save();
    p.close();
    try (var s = Files.walk(p.path())) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
    LOG.log(Level.INFO, "pool {0} deleted with {1} volumes", name, volumes);
  }

  // ---- profiles

  public synchronized Map<String, Map<String, Object>> profiles() {
    return new LinkedHashMap<>(profiles);
  }

  public synchronized Map<String, Object> profile(String name) throws ProblemException {
    requireProfile(name);
    return profiles.get(name);
  }

  private void requireProfile(String name) throws ProblemException {
    if (!profiles.containsKey(name)) {
      throw new ProblemException(Problem.NOT_FOUND, "profile " + name + " does not exist");
    }
  }

  public synchronized void createProfile(String name, Map<String, Object> settings)
      throws IOException {
    Names.check("profile", name);
    if (profiles.containsKey(name)) {
      throw new ProblemException(Problem.EXISTS, "profile " + name + " already exists");
    }
    profiles.put(name, Map.copyOf(settings));
    save();
  }

  public synchronized Map<String, Object> updateProfile(String name, Map<String, Object> settings)
      throws IOException {
    requireProfile(name);
    Map<String, Object> merged = new LinkedHashMap<>(profiles.get(name));
    merged.putAll(settings);
    profiles.put(name, Map.copyOf(merged));
    save();
    return profiles.get(name);
  }

  public synchronized void deleteProfile(String name, boolean dryRun) throws IOException {
    requireProfile(name);
    if (DEFAULT.equals(name)) {
      throw new ProblemException(Problem.BUSY, "the default profile cannot be deleted");
    }
    for (Pool p : open.values()) {
      if (p.profile().equals(name)) {
        throw new ProblemException(Problem.BUSY, "profile " + name + " is pool " + p.name()
            + "'s default");
      }
      for (var v : p.volumes().list()) {
        if (name.equals(v.profile())) {
          throw new ProblemException(Problem.BUSY, "profile " + name + " is used by volume "
              + p.name() + "/" + v.name());
        }
      }
    }
    if (!dryRun) {
      profiles.remove(name);
      save();
    }
  }

  private void save() throws IOException {
    List<ApplianceState.ProfileEntry> ps = new ArrayList<>();
    profiles.forEach((k, v) -> ps.add(new ApplianceState.ProfileEntry(k, v)));
    new ApplianceState(1, new ArrayList<>(entries.values()), ps).save(stateFile);
  }

  /** Closes every pool (each flushes its volumes); reports the first failure after trying all. */
  @Override
  public synchronized void close() throws IOException {
    IOException failure = null;
    for (Pool p : open.values()) {
      try {
        p.close();
      } catch (IOException e) {
        LOG.log(Level.ERROR, "pool {0} did not close cleanly: {1}", p.name(), e.getMessage());
        failure = failure == null ? e : failure;
      }
    }
    open.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
