package io.granary.appliance.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.granary.appliance.policy.Profile;
import io.granary.appliance.policy.ReplicationSchedule;
import io.granary.appliance.pool.Profiles;
import io.granary.appliance.pool.Provisioning;
import io.granary.appliance.remote.Remotes;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Profiles: their JSON form is the {@link Profile} record's; a change names only what changes. */
final class ProfileRoutes {
  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "iops",
          "bandwidth",
          "burst",
          "codec",
          "dedupe",
          "blockSize",
          "snapshotEverySeconds",
          "keep",
          "keepForSeconds",
          "replicateTo",
          "replicateEverySeconds",
          "replicateKeep");

  private final Provisioning provisioning;
  private final Profiles profiles;
  private final Remotes remotes;

  ProfileRoutes(Provisioning provisioning, Remotes remotes) {
    this.provisioning = provisioning;
    this.profiles = provisioning.profiles();
    this.remotes = remotes;
  }

  void register(Router r) {
    r.add("GET", "/api/v1/profiles", q -> Reply.ok(profiles.list()))
        .add("POST", "/api/v1/profiles", this::create)
        .add("GET", "/api/v1/profiles/{profile}", q -> Reply.ok(profiles.get(q.param("profile"))))
        .add("PATCH", "/api/v1/profiles/{profile}", this::change)
        .add(
            "DELETE",
            "/api/v1/profiles/{profile}",
            q -> {
              provisioning.deleteProfile(q.param("profile"), q.flag("dryRun"));
              return q.flag("dryRun")
                  ? Reply.ok(Map.of("profile", q.param("profile")))
                  : Reply.noContent();
            });
  }

  private Reply create(ApiRequest q) throws Exception {
    Profile base = Profile.defaults(q.text("name"));
    Profile p = merge(base, q.body());
    requireRemote(p);
    provisioning.createProfile(p);
    return Reply.created(p);
  }

  private Reply change(ApiRequest q) throws Exception {
    Profile current = profiles.get(q.param("profile"));
    if (q.has("name") && !q.text("name").equals(current.name())) {
      throw new ProblemException(Problem.INVALID, "a profile cannot be renamed");
    }
    Profile p = merge(current, q.body());
    requireRemote(p);
    return Reply.ok(provisioning.updateProfile(p));
  }

  /** A schedule to a remote this appliance does not know would only ever fail. */
  private void requireRemote(Profile p) throws Exception {
    ReplicationSchedule s = p.replicationSchedule();
    if (s != null && remotes.find(s.remote()).isEmpty()) {
      throw new ProblemException(
          Problem.INVALID,
          "remote " + s.remote() + " does not exist (add it with granary remote add)");
    }
  }

  /** The profile with the body's fields over {@code base}'s, validated as a whole. */
  private static Profile merge(Profile base, JsonNode body) throws ProblemException {
    ObjectNode tree = Json.MAPPER.valueToTree(base);
    if (body != null) {
      for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!FIELDS.contains(f)) {
          throw new ProblemException(Problem.INVALID, "unknown profile field \"" + f + "\"");
        }
        tree.set(f, body.get(f));
      }
    }
    try {
      return Json.MAPPER.treeToValue(tree, Profile.class);
    } catch (Exception e) {
      Throwable c = e;
      while (c.getCause() != null) {
        c = c.getCause();
      }
      throw new ProblemException(
          Problem.INVALID,
          c instanceof IllegalArgumentException
              ? c.getMessage()
              : "invalid profile: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
