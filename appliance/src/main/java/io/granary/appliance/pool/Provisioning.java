package io.granary.appliance.pool;

import io.granary.appliance.config.ApplianceConfig;
import io.granary.appliance.policy.PoolBucket;
import io.granary.appliance.policy.PoolSettings;
import io.granary.appliance.policy.Profile;
import io.granary.appliance.policy.Service;
import io.granary.dedupe.api.Directories;
import io.granary.dedupe.api.ProgressListener;
import io.granary.snapshots.api.Names;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeException.Kind;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every administrative change to pools, profiles and the profile a volume follows: checked
 * against the rule between them (a volume only uses services its pool allows), applied to
 * {@link Pools} and {@link Profiles}, saved to {@code DATA/appliance.json}
 * ({@link ApplianceState}) and announced to the {@link PolicyListeners}.
 *
 * <p>The one writer of both registries: its changes are serialized on this object, so a rule
 * checked across pools and profiles still holds when the change is made. A change that cannot
 * be saved (a full disk) is undone in memory, so memory and disk never disagree. Reads go to
 * the registries directly and do not wait for a change in progress.
 */
public final class Provisioning implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Provisioning.class.getName());

  private final Pools pools;
  private final Profiles profiles;
  private final Path stateFile;
  private final Clock clock;
  private final PolicyListeners listeners = new PolicyListeners();

  private Provisioning(Pools pools, Profiles profiles, Path stateFile, Clock clock) {
    this.pools = pools;
    this.profiles = profiles;
    this.stateFile = stateFile;
    this.clock = clock;
  }

  /**
   * Opens every pool: those the configuration declares (the {@code default} pool always;
   * created when new) and those the state file remembers. Saves the state only if it changed,
   * so that a restart on a full data disk does not fail for want of space to rewrite it.
   */
  public static Provisioning open(ApplianceConfig config, Clock clock) throws IOException {
    Path stateFile = config.data().resolve("appliance.json");
    ApplianceState saved = ApplianceState.load(stateFile);
    Map<String, ApplianceConfig.PoolDeclaration> declarations = new LinkedHashMap<>();
    declarations.put(
        Pools.DEFAULT,
        new ApplianceConfig.PoolDeclaration(
            config.data().resolve("pools").resolve(Pools.DEFAULT), PoolSettings.defaults(), null));
    declarations.putAll(config.pools());
    for (String name : declarations.keySet()) {
      Names.check("pool", name);
    }
    Pools pools = new Pools(tuning(config, clock), declarations.keySet());
    Profiles profiles = new Profiles(saved.profiles());
    Provisioning p = new Provisioning(pools, profiles, stateFile, clock);
    pools.checkpointsCarry(pool -> PoolMetadata.encode(pool, profiles.list()));
    try {
      for (ApplianceState.PoolEntry e : saved.pools()) {
        p.openSaved(e.name(), Path.of(e.path()), e.settings(), e.bucket(), e.created());
      }
      for (Map.Entry<String, ApplianceConfig.PoolDeclaration> d : declarations.entrySet()) {
        if (!pools.contains(d.getKey())) {
          p.openSaved(
              d.getKey(),
              d.getValue().path(),
              d.getValue().settings(),
              d.getValue().bucket(),
              Instant.now(clock).toString());
        }
      }
      ApplianceState now = p.state();
      if (!now.equals(saved) || !Files.exists(stateFile)) {
        now.save(stateFile);
      }
    } catch (IOException | RuntimeException e) {
      pools.close();
      throw e;
    }
    return p;
  }

  private static VolumeStoreConfig tuning(ApplianceConfig config, Clock clock) {
    return new VolumeStoreConfig(
        config.data(),
        config.volumes().dirtyLimit(),
        config.volumes().volumeFlush(),
        config.volumes().flushInterval(),
        config.volumes().blockCache(),
        config.volumes().pageCache(),
        2,
        clock);
  }

  /** Opens a pool at start; a default profile deleted meanwhile falls back to the default. */
  private void openSaved(
      String name, Path path, PoolSettings settings, PoolBucket bucket, String created)
      throws IOException {
    if (!profiles.contains(settings.profile())) {
      LOG.log(
          Level.WARNING,
          "pool {0}: default profile {1} does not exist; using default",
          name,
          settings.profile());
      settings = settings.withProfile(Profile.DEFAULT);
    }
    pools.open(name, path, settings, bucket, created);
  }

  public Pools pools() {
    return pools;
  }

  public Profiles profiles() {
    return profiles;
  }

  /** Runs {@code listener} after every change of a profile, a pool or a volume's profile. */
  public void onPolicyChange(Runnable listener) {
    listeners.add(listener);
  }

  // ---- pools

  /**
   * Creates a pool in {@code path}, its packs there or, with a {@code bucket}, on that object
   * store; a failure leaves nothing in the way of a retry.
   */
  public synchronized Pool createPool(
      String name, Path path, PoolSettings settings, PoolBucket bucket) throws IOException {
    Names.check("pool", name);
    if (pools.contains(name)) {
      throw new VolumeException(Kind.EXISTS, "pool " + name + " already exists");
    }
    if (bucket != null && settings.capacity() == 0) {
      throw new VolumeException(
          Kind.INVALID,
          "a pool on an object store needs a capacity: a bucket has no size of its own");
    }
    ServiceRules.check(name, settings, profiles.get(settings.profile()), null);
    if (Files.exists(path.resolve("store"))) {
      throw new VolumeException(Kind.EXISTS, path + " already holds a pool");
    }
    List<Path> made = new ArrayList<>();
    for (Path q : List.of(path, path.resolve("store"), path.resolve("journal"))) {
      if (!Files.exists(q)) {
        made.add(q);
      }
    }
    Map<String, Pools.Registered> before = pools.snapshot();
    Pool p;
    try {
      p = pools.open(name, path, settings, bucket, Instant.now(clock).toString());
    } catch (IOException | RuntimeException e) {
      removeMade(made, e);
      throw e;
    }
    try {
      save();
    } catch (IOException | RuntimeException e) {
      pools.restore(before);
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

  /**
   * Brings back, into {@code path} (absent or empty), the pool whose packs and checkpoints are
   * in {@code bucket}: its volumes and snapshots as of its newest checkpoint, its settings, and
   * the profiles it carried that this appliance lacks. Refused while another appliance holds
   * the pool's lease; {@code takeOver} takes it from one that let it lapse. {@code progress}
   * hears how many of its packs are indexed. A failure leaves nothing behind.
   */
  public synchronized Pool attachPool(
      String name, Path path, PoolBucket bucket, boolean takeOver, ProgressListener progress)
      throws IOException {
    Names.check("pool", name);
    if (pools.contains(name)) {
      throw new VolumeException(Kind.EXISTS, "pool " + name + " already exists");
    }
    if (Files.exists(path.resolve("store"))) {
      throw new VolumeException(Kind.EXISTS, path + " already holds a pool");
    }
    List<Path> made = new ArrayList<>();
    for (Path q : List.of(path, path.resolve("store"), path.resolve("journal"))) {
      if (!Files.exists(q)) {
        made.add(q);
      }
    }
    Map<String, Pools.Registered> before = pools.snapshot();
    Map<String, Profile> profilesBefore = profiles.snapshot();
    Pool.Attached a;
    try {
      a = pools.attach(name, path, bucket, takeOver, progress, Instant.now(clock).toString());
    } catch (IOException | RuntimeException e) {
      removeMade(made, e);
      throw e;
    }
    Pool p = a.pool();
    try {
      PoolMetadata m = PoolMetadata.decode(a.metadata());
      for (Profile carried : m.profiles() == null ? List.<Profile>of() : m.profiles()) {
        if (!profiles.contains(carried.name())) {
          profiles.put(carried);
        }
      }
      p.settings(m.settings());
      save();
      pools.startCheckpoints(p);
    } catch (IOException | RuntimeException e) {
      pools.restore(before);
      profiles.restore(profilesBefore);
      try {
        p.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      removeMade(made, e);
      throw e;
    }
    LOG.log(Level.INFO, "pool {0} attached at {1} from {2}", name, path, bucket.describe());
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
  public synchronized Pool setPool(String name, PoolSettings settings) throws IOException {
    Pool p = pools.get(name);
    ServiceRules.check(name, settings, profiles.get(settings.profile()), null);
    for (VolumeInfo v : p.volumes().list()) {
      ServiceRules.check(name, settings, profiles.profileOf(v), "volume " + name + "/" + v.name());
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
    listeners.fire();
    return p;
  }

  /** Deletes a pool and its directory; refused while it holds volumes unless {@code recursive}. */
  public synchronized void deletePool(String name, boolean recursive, boolean dryRun)
      throws IOException {
    Pool p = pools.get(name);
    if (pools.declared(name)) {
      throw new VolumeException(
          Kind.BUSY, "pool " + name + " is declared by the configuration; remove it there first");
    }
    int volumes = p.volumes().list().size();
    if (volumes > 0 && !recursive) {
      throw new VolumeException(
          Kind.BUSY, "pool " + name + " holds " + volumes + " volumes; delete them too with -r");
    }
    for (VolumeInfo v : p.volumes().list()) {
      if (p.volumes().openHandles(v.name()) > 0) {
        throw new VolumeException(Kind.BUSY, "volume " + name + "/" + v.name() + " is in use");
      }
    }
    if (dryRun) {
      return;
    }
    Map<String, Pools.Registered> before = pools.snapshot();
    pools.remove(name);
    try {
      save();
    } catch (IOException | RuntimeException e) {
      pools.restore(before); // not forgotten on disk, so not here: it stays open and usable
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
    Profile profile = profiles.get(profileName == null ? pool.profile() : profileName);
    ServiceRules.check(pool.name(), pool.settings(), profile, null);
    return new VolumeSpec(
        size, profile.blockSize(), profile.codec(), profile.name(), profile.dedupe());
  }

  /** Puts a volume under another profile: its QoS and data services change at once. */
  public synchronized VolumeInfo setVolumeProfile(Pool pool, String volume, String profileName)
      throws IOException {
    Profile profile = profiles.get(profileName);
    pool.volumes().info(volume);
    ServiceRules.check(pool.name(), pool.settings(), profile, null);
    pool.volumes().setServices(volume, profile.codec(), profile.dedupe(), profile.name());
    listeners.fire();
    return pool.volumes().info(volume);
  }

  /** Refuses an operation on {@code pool} that needs {@code service} if the pool does not allow it. */
  public void require(Pool pool, Service service) throws VolumeException {
    ServiceRules.require(pool.name(), pool.settings(), service);
  }

  // ---- profiles

  public synchronized void createProfile(Profile profile) throws IOException {
    if (profiles.contains(profile.name())) {
      throw new VolumeException(Kind.EXISTS, "profile " + profile.name() + " already exists");
    }
    Map<String, Profile> before = profiles.snapshot();
    profiles.put(profile);
    saveOrRestore(before);
  }

  /**
   * Replaces a profile. Refused when a pool whose default it is, or which holds a volume using
   * it, does not allow a service it now asks for; otherwise every such volume changes at once.
   */
  public synchronized Profile updateProfile(Profile changed) throws IOException {
    String name = changed.name();
    profiles.get(name);
    Map<Pool, List<String>> users = new LinkedHashMap<>();
    for (Pool p : pools.list()) {
      if (p.profile().equals(name)) {
        ServiceRules.check(p.name(), p.settings(), changed, "pool " + p.name() + "'s default");
      }
      for (VolumeInfo v : p.volumes().list()) {
        if (v.profile().equals(name)) {
          ServiceRules.check(
              p.name(), p.settings(), changed, "volume " + p.name() + "/" + v.name());
          users.computeIfAbsent(p, k -> new ArrayList<>()).add(v.name());
        }
      }
    }
    Map<String, Profile> before = profiles.snapshot();
    profiles.put(changed);
    saveOrRestore(before);
    for (Map.Entry<Pool, List<String>> e : users.entrySet()) {
      for (String v : e.getValue()) {
        e.getKey().volumes().setServices(v, changed.codec(), changed.dedupe(), name);
      }
    }
    listeners.fire();
    return changed;
  }

  /** Deletes a profile; refused for the default one and while a pool or volume uses it. */
  public synchronized void deleteProfile(String name, boolean dryRun) throws IOException {
    profiles.get(name);
    if (Profile.DEFAULT.equals(name)) {
      throw new VolumeException(Kind.BUSY, "the default profile cannot be deleted");
    }
    for (Pool p : pools.list()) {
      if (p.profile().equals(name)) {
        throw new VolumeException(
            Kind.BUSY, "profile " + name + " is pool " + p.name() + "'s default");
      }
      for (VolumeInfo v : p.volumes().list()) {
        if (name.equals(v.profile())) {
          throw new VolumeException(
              Kind.BUSY, "profile " + name + " is used by volume " + p.name() + "/" + v.name());
        }
      }
    }
    if (!dryRun) {
      Map<String, Profile> before = profiles.snapshot();
      profiles.remove(name);
      saveOrRestore(before);
    }
  }

  // ---- persistence

  /** Saves; if that fails (a full disk), the profiles are as they were, in memory as on disk. */
  private void saveOrRestore(Map<String, Profile> before) throws IOException {
    try {
      save();
    } catch (IOException | RuntimeException e) {
      profiles.restore(before);
      throw e;
    }
  }

  private void save() throws IOException {
    state().save(stateFile);
  }

  private ApplianceState state() {
    List<ApplianceState.PoolEntry> entries = new ArrayList<>();
    for (Pools.Registered r : pools.snapshot().values()) {
      entries.add(
          ApplianceState.PoolEntry.of(
              r.pool().name(), r.path(), r.created(), r.pool().settings(), r.pool().bucket()));
    }
    return new ApplianceState(ApplianceState.VERSION, entries, profiles.list());
  }

  /** Closes every pool (each flushes its volumes). */
  @Override
  public void close() throws IOException {
    pools.close();
  }
}
