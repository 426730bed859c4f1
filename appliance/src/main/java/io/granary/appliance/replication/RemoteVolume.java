package io.granary.appliance.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.granary.appliance.remote.RemoteClient;
import io.granary.appliance.remote.RemoteException;
import java.io.IOException;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A volume on a remote appliance, through its admin API: its snapshots, listed and deleted. */
public final class RemoteVolume {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RemoteClient client;
  private final ReplicationTarget target;

  public RemoteVolume(RemoteClient client, ReplicationTarget target) {
    this.client = client;
    this.target = target;
  }

  /** Its snapshots' names, oldest first; empty if the volume does not exist there (yet). */
  public Optional<List<String>> snapshots() throws IOException, InterruptedException {
    try {
      byte[] list =
          client
              .send("GET", target.volumePath() + "/snapshots", null, BodyHandlers.ofByteArray())
              .body();
      List<String> names = new ArrayList<>();
      for (JsonNode s : JSON.readTree(list)) {
        names.add(s.path("name").asText());
      }
      return Optional.of(names);
    } catch (RemoteException e) {
      if (e.status() != 404) {
        throw e;
      }
      return Optional.empty();
    }
  }

  public void deleteSnapshot(String name) throws IOException, InterruptedException {
    client.send(
        "DELETE", target.volumePath() + "/snapshots/" + name, null, BodyHandlers.discarding());
  }
}
