package io.granary.appliance.pool;

import io.granary.appliance.policy.Profile;
import io.granary.snapshots.api.VolumeException;
import io.granary.snapshots.api.VolumeException.Kind;
import io.granary.snapshots.api.VolumeInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The profiles by name; the {@code default} one always exists. A registry only: which changes
 * are allowed, saving them and announcing them is {@link Provisioning}'s job, the one writer.
 * Thread-safe (every method holds this object's lock); listing order is the order profiles
 * were added.
 */
public final class Profiles {
  private final Map<String, Profile> byName = new LinkedHashMap<>();

  Profiles(List<Profile> saved) {
    for (Profile p : saved) {
      byName.put(p.name(), p);
    }
    byName.putIfAbsent(Profile.DEFAULT, Profile.defaults(Profile.DEFAULT));
  }

  public synchronized List<Profile> list() {
    return new ArrayList<>(byName.values());
  }

  public synchronized Profile get(String name) throws VolumeException {
    Profile p = byName.get(name);
    if (p == null) {
      throw new VolumeException(Kind.NOT_FOUND, "profile " + name + " does not exist");
    }
    return p;
  }

  public synchronized boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** The profile a volume follows (the default one if its profile was deleted meanwhile). */
  public synchronized Profile profileOf(VolumeInfo v) {
    Profile p = byName.get(v.profile());
    return p == null ? byName.get(Profile.DEFAULT) : p;
  }

  /** Adds or replaces a profile of that name. */
  synchronized void put(Profile profile) {
    byName.put(profile.name(), profile);
  }

  synchronized void remove(String name) {
    byName.remove(name);
  }

  /** What the registry holds now, for {@link #restore}. */
  synchronized Map<String, Profile> snapshot() {
    return new LinkedHashMap<>(byName);
  }

  /** Back to a {@link #snapshot}, order included (a change that could not be saved). */
  synchronized void restore(Map<String, Profile> before) {
    byName.clear();
    byName.putAll(before);
  }
}
