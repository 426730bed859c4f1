package io.granary.appliance.admin;

import io.granary.appliance.remote.PeerCheck;
import io.granary.appliance.remote.Remote;
import io.granary.appliance.remote.RemoteException;
import io.granary.appliance.remote.Remotes;
import io.granary.snapshots.api.Names;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Remotes: the appliances this one replicates to. Adding one checks the peer first (its
 * certificate, pinned; its token, taken) and keeps nothing when it fails. Only callers who may
 * have the daemon open files may add or remove one: a remote is where volumes can be sent, and
 * the token a key to another appliance.
 */
final class RemoteRoutes {
  private static final System.Logger LOG = System.getLogger(RemoteRoutes.class.getName());
  private static final Set<String> FIELDS =
      Set.of("name", "url", "token", "fingerprint", "bandwidth");

  private final Remotes remotes;
  private final Clock clock;

  RemoteRoutes(Remotes remotes, Clock clock) {
    this.remotes = remotes;
    this.clock = clock;
  }

  void register(Router r) {
    r.add("GET", "/api/v1/remotes", this::list)
        .add("POST", "/api/v1/remotes", this::add)
        .add(
            "GET",
            "/api/v1/remotes/{remote}",
            q -> Reply.ok(Views.remote(remotes.get(q.param("remote")))))
        .add("DELETE", "/api/v1/remotes/{remote}", this::remove)
        .add(
            "POST",
            "/api/v1/remotes/{remote}/test",
            q -> Reply.ok(Views.remoteTest(PeerCheck.test(remotes.client(q.param("remote"))))));
  }

  private Reply list(ApiRequest q) throws Exception {
    List<Views.RemoteView> out = new ArrayList<>();
    for (Remote r : remotes.list()) {
      out.add(Views.remote(r));
    }
    return Reply.ok(out);
  }

  private Reply add(ApiRequest q) throws Exception {
    privileged(q, "add");
    if (q.body() != null) {
      // A misspelt "fingerprint" must not quietly become trust on first use.
      for (Iterator<String> it = q.body().fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!FIELDS.contains(f)) {
          throw new ProblemException(Problem.INVALID, "unknown remote field \"" + f + "\"");
        }
      }
    }
    String name = Names.check("remote", q.text("name"));
    if (remotes.find(name).isPresent()) { // before the peer is asked; add checks again
      throw new RemoteException(RemoteException.Kind.EXISTS, "remote " + name + " already exists");
    }
    String token = q.text("token");
    Remote remote =
        PeerCheck.enrol(
            name,
            q.text("url"),
            token,
            q.text("fingerprint", null),
            q.number("bandwidth", 0),
            clock.instant());
    remotes.add(remote, token);
    // A trust decision: said in the log with who made it and the certificate it trusts.
    LOG.log(
        System.Logger.Level.INFO,
        "remote {0} added by {1}: {2}, certificate {3} {4}",
        name,
        q.caller().name(),
        remote.url(),
        remote.fingerprint(),
        q.has("fingerprint") ? "as given" : "pinned on first use");
    return Reply.created(Views.remote(remote));
  }

  private Reply remove(ApiRequest q) throws Exception {
    privileged(q, "remove");
    String name = q.param("remote");
    if (q.flag("dryRun")) {
      remotes.get(name);
      return Reply.ok(Map.of("remote", name));
    }
    remotes.remove(name);
    LOG.log(System.Logger.Level.INFO, "remote {0} removed by {1}", name, q.caller().name());
    return Reply.noContent();
  }

  private static void privileged(ApiRequest q, String verb) throws ProblemException {
    if (!q.caller().mayNameFiles()) {
      throw new ProblemException(
          Problem.FORBIDDEN,
          "only root and granaryd's own user may "
              + verb
              + " remotes ("
              + q.caller().name()
              + " may list and test them)");
    }
  }
}
