package io.granary.appliance.pool;

import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.policy.Profile;
import io.granary.appliance.policy.Service;
import io.granary.dedupe.api.Directories;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.VolumeException.Kind;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeInfo;
import io.granary.snapshots.api.VolumeSpec;
import io.granary.snapshots.api.VolumeStoreConfig;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The daemon's pools and profiles: those the configuration declares (the {@code default} pool
 * and profile always), plus those created through the API, which {@code DATA/appliance.json}
 * remembers. Guards the rule between them: a volume only uses services its pool allows.
 * Thread-safe: changes are serialized; listeners hear of every policy change.
 */
public final class Pools implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Pools.class.getName());
  public static final String DEFAULT = "default";

  private final Path stateFile;
  private final VolumeStoreConfig tuning;
  private final Clock clock;
  private final Map<String, Pool> open = new LinkedHashMap<>();
  private final Map<String, String> paths = new LinkedHashMap<>();
  private final Map<String, String> created = new LinkedHashMap<>();
  private final Map<String, Profile> profiles = new LinkedHashMap<>();
  private final Set<String> declared = new HashSet<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

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
    for (Profile profile : state.profiles()) {
      p.profiles.put(profile.name(), profile);
    }
    p.profiles.putIfAbsent(DEFAULT, Profile.defaults(DEFAULT));
    Map<String, PoolSettings> settings = new LinkedHashMap<>();
    for (ApplianceState.PoolEntry e : state.pools()) {
      settings.put(e.name(), e.settings());
      p.paths.put(e.name(), e.path());
      p.created.put(e.name(), e.created());
    }
    Map<String, ApplianceConfig.PoolDeclaration> declarations = new LinkedHashMap<>();
    declarations.put(DEFAULT, new ApplianceConfig.PoolDeclaration(
        config.data().resolve("pools").resolve(DEFAULT), PoolSettings.defaults()));
    declarations.putAll(config.pools());
    for (Map.Entry<String, ApplianceConfig.PoolDeclaration> d : declarations.entrySet()) {
      String name = Names.check("pool", d.getKey());
      p.declared.add(name);
      if (!p.paths.containsKey(name)) {
        settings.put(name, d.getValue().settings());
        p.paths.put(name, d.getValue().path().toString());
        p.created.put(name, Instant.now(clock).toString());
      }
    }
    try {
      for (Map.Entry<String, PoolSettings> e : settings.entrySet()) {
        PoolSettings s = e.getValue();
        if (!p.profiles.containsKey(s.profile())) {
          LOG.log(Level.WARNING, "pool {0}: default profile {1} does not exist; using default",
              e.getKey(), s.profile());
          s = s.withProfile(DEFAULT);
        }
        p.open.put(e.getKey(), Pool.open(e.getKey(), Path.of(p.paths.get(e.getKey())), s,
            tuning));
        LOG.log(Level.INFO, "pool {0} open at {1}", e.getKey(), p.paths.get(e.getKey()));
      }
      // Only what changed is written: a restart on a full data disk must not fail for want of
      // space to rewrite the same state.
      ApplianceState now = p.state();
      if (!now.equals(state) || !Files.exists(p.stateFile)) {
        now.save(p.stateFile);
      }
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** Runs {@code listener} after every change of a profile or of a volume's profile. */
  public void onPolicyChange(Runnable listener) {
    listeners.add(listener);
  }

  public synchronized List<Pool> list() {
    return new ArrayList<>(open.values());
  }

  public synchronized Pool get(String name) throws NoSuchPoolException {
    Pool p = open.get(name);
    if (p == null) {
      throw new NoSuchPoolException(name);
    }
    return p;
  }

  public synchronized String created(String name) {
    return created.get(name);
  }

  public synchronized Pool create(String name, Path path, PoolSettings settings)
      throws IOException {
    Names.check("pool", name);
    if (open.containsKey(name)) {
      throw new VolumeException(Kind.EXISTS, "pool " + name + " already exists");
    }
    ServiceRules.check(name, settings, profile(settings.profile()), null);
    if (Files.exists(path.resolve("store"))) {
      throw new VolumeException(Kind.EXISTS, path + " already holds a pool");
    }
    // What this creation makes, so that a failure (a full disk) leaves nothing in the way of
    // a retry.
    List<Path> made = new ArrayList<>();
    for (Path q : List.of(path, path.resolve("store"), path.resolve("journal"))) {
      if (!Files.exists(q)) {
        made.add(q);
      }
    }
    Pool p;
    try {
      p = Pool.open(name, path, settings, tuning);
    } catch (IOException | RuntimeException e) {
      removeMade(made, e);
      throw e;
    }
    open.put(name, p);
    paths.put(name, path.toString());
    created.put(name, Instant.now(clock).toString());
    try {
      save();
    } catch (IOException | RuntimeException e) {
      open.remove(name);
      paths.remove(name);
      created.remove(name);
      try {
        p.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      removeMade(made, e);
      throw e;
    }
    LOG.log(Level.INFO, "pool {0} created at {1}", name, path);
    return p;
  }

  /** Deletes the directories (with their contents) a failed creation made. */
  private static void removeMade(List<Path> made, Exception failure) {
    for (Path dir : made) {
      try { // absent when inside one deleted already
        Directories.deleteTree(dir);
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * Changes a pool's settings. Refused when its default profile, or the profile of one of its
   * volumes, would use a service the new settings do not allow.
   */
  public synchronized Pool set(String name, PoolSettings settings) throws IOException {
    Pool p = get(name);
    ServiceRules.check(name, settings, profile(settings.profile()), null);
    for (VolumeInfo v : p.volumes().list()) {
      ServiceRules.check(name, settings, profileOf(v), "volume " + name + "/" + v.name());
    }
    PoolSettings old = p.settings();
    p.settings(settings);
    try {
      save();
    } catch (IOException | RuntimeException e) {
      p.settings(old); // not saved, so not changed: a restart would bring the old ones back
      throw e;
    }
    LOG.log(Level.INFO, "pool {0} settings changed: {1}", name, settings);
    fire();
    return p;
  }

  /** Deletes a pool and its directory; refused while it holds volumes unless {@code recursive}. */
  public synchronized void delete(String name, boolean recursive, boolean dryRun)
      throws IOException {
    Pool p = get(name);
    if (declared.contains(name)) {
      throw new VolumeException(Kind.BUSY, "pool " + name
          + " is declared by the configuration; remove it there first");
    }
    int volumes = p.volumes().list().size();
    if (volumes > 0 && !recursive) {
      throw new VolumeException(Kind.BUSY, "pool " + name + " holds " + volumes
          + " volumes; delete them too with -r");
    }
    for (var v : p.volumes().list()) {
      if (p.volumes().openHandles(v.name()) > 0) {
        throw new VolumeException(Kind.BUSY, "volume " + name + "/" + v.name() + " is in use");
      }
    }
    if (dryRun) {
      return;
    }
    Map<String, Pool> openBefore = new LinkedHashMap<>(open);
    Map<String, String> pathsBefore = new LinkedHashMap<>(paths);
    Map<String, String> createdBefore = new LinkedHashMap<>(created);
    open.remove(name);
    paths.remove(name);
    created.remove(name);
    try {
      save();
    } catch (IOException | RuntimeException e) {
      // Not forgotten on disk, so not forgotten here: the pool stays open and usable.
      restore(open, openBefore);
      restore(paths, pathsBefore);
      restore(created, createdBefore);
      throw e;
    }
    p.close();
    Directories.deleteTree(p.path());
    LOG.log(Level.INFO, "pool {0} deleted with {1} volumes", name, volumes);
  }

  // ---- volumes and their profiles

  /** The spec of a new volume with {@code profileName} (the pool's default when null). */
  public synchronized VolumeSpec newVolume(Pool pool, long size, String profileName)
      throws VolumeException {
    Profile profile = profile(profileName == null ? pool.profile() : profileName);
    ServiceRules.check(pool.name(), pool.settings(), profile, null);
    return new VolumeSpec(size, profile.blockSize(), profile.codec(), profile.name(),
        profile.dedupe());
  }

  /** The profile a volume follows (the default one if its profile was deleted meanwhile). */
  public synchronized Profile profileOf(VolumeInfo v) {
    Profile p = profiles.get(v.profile());
    return p == null ? profiles.get(DEFAULT) : p;
  }

  /** Puts a volume under another profile: its QoS and data services change at once. */
  public synchronized VolumeInfo setVolumeProfile(Pool pool, String volume, String profileName)
      throws IOException {
    Profile profile = profile(profileName);
    pool.volumes().info(volume);
    ServiceRules.check(pool.name(), pool.settings(), profile, null);
    pool.volumes().setServices(volume, profile.codec(), profile.dedupe(), profile.name());
    fire();
    return pool.volumes().info(volume);
  }

  /** Refuses an operation on {@code pool} that needs {@code service} if the pool does not allow it. */
  public void require(Pool pool, Service service) throws VolumeException {
    ServiceRules.require(pool.name(), pool.settings(), service);
  }

  // ---- profiles

  public synchronized List<Profile> profiles() {
    return new ArrayList<>(profiles.values());
  }

  public synchronized Profile profile(String name) throws VolumeException {
    Profile p = profiles.get(name);
    if (p == null) {
      throw new VolumeException(Kind.NOT_FOUND, "profile " + name + " does not exist");
    }
    return p;
  }

  public synchronized void createProfile(Profile profile) throws IOException {
    if (profiles.containsKey(profile.name())) {
      throw new VolumeException(Kind.EXISTS, "profile " + profile.name() + " already exists");
    }
    Map<String, Profile> before = new LinkedHashMap<>(profiles);
    profiles.put(profile.name(), profile);
    saveOrRestoreProfiles(before);
  }

  /**
   * Replaces a profile. Refused when a pool whose default it is, or which holds a volume using
   * it, does not allow a service it now asks for; otherwise every such volume changes at once.
   */
  public synchronized Profile updateProfile(Profile changed) throws IOException {
    String name = changed.name();
    profile(name);
    Map<Pool, List<String>> users = new LinkedHashMap<>();
    for (Pool p : open.values()) {
      if (p.profile().equals(name)) {
        ServiceRules.check(p.name(), p.settings(), changed, "pool " + p.name() + "'s default");
      }
      for (VolumeInfo v : p.volumes().list()) {
        if (v.profile().equals(name)) {
          ServiceRules.check(p.name(), p.settings(), changed, "volume " + p.name() + "/"
              + v.name());
          users.computeIfAbsent(p, k -> new ArrayList<>()).add(v.name());
        }
      }
    }
    Map<String, Profile> before = new LinkedHashMap<>(profiles);
    profiles.put(name, changed);
    saveOrRestoreProfiles(before);
    for (Map.Entry<Pool, List<String>> e : users.entrySet()) {
      for (String v : e.getValue()) {
        e.getKey().volumes().setServices(v, changed.codec(), changed.dedupe(), name);
      }
    }
    fire();
    return changed;
  }

  public synchronized void deleteProfile(String name, boolean dryRun) throws IOException {
    profile(name);
    if (DEFAULT.equals(name)) {
      throw new VolumeException(Kind.BUSY, "the default profile cannot be deleted");
    }
    for (Pool p : open.values()) {
      if (p.profile().equals(name)) {
        throw new VolumeException(Kind.BUSY, "profile " + name + " is pool " + p.name()
            + "'s default");
      }
      for (var v : p.volumes().list()) {
        if (name.equals(v.profile())) {
          throw new VolumeException(Kind.BUSY, "profile " + name + " is used by volume "
              + p.name() + "/" + v.name());
        }
      }
    }
    if (!dryRun) {
      Map<String, Profile> before = new LinkedHashMap<>(profiles);
      profiles.remove(name);
      saveOrRestoreProfiles(before);
    }
  }

  /** Saves; if that fails (a full disk), the profiles are as they were, in memory as on disk. */
  private void saveOrRestoreProfiles(Map<String, Profile> before) throws IOException {
    try {
      save();
    } catch (IOException | RuntimeException e) {
      restore(profiles, before);
      throw e;
    }
  }

  private static <V> void restore(Map<String, V> map, Map<String, V> before) {
    map.clear();
    map.putAll(before);
  }

  private void fire() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a policy listener failed: {0}", e.toString());
      }
    }
  }

  private void save() throws IOException {
    state().save(stateFile);
  }

  private ApplianceState state() {
    List<ApplianceState.PoolEntry> entries = new ArrayList<>();
    for (Pool p : open.values()) {
      entries.add(ApplianceState.PoolEntry.of(p.name(), paths.get(p.name()),
          created.get(p.name()), p.settings()));
    }
    return new ApplianceState(ApplianceState.VERSION, entries, new ArrayList<>(profiles.values()));
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
