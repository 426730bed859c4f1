package io.granary.appliance.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.policy.Service;
import java.util.Set;

/** A pool's services as the configuration and the API give them: a list of names or one string. */
public final class ServiceList {
  private ServiceList() {}

  /** {@code ["snapshots", "clones"]} or {@code "snapshots,clones"} ({@code all}, {@code none}). */
  public static Set<Service> read(JsonNode n) {
    if (n.isTextual()) {
      return Service.parseList(n.asText());
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException("services must be a list of names");
    }
    StringBuilder b = new StringBuilder();
    n.forEach(e -> b.append(b.isEmpty() ? "" : ",").append(e.asText()));
    return Service.parseList(b.toString());
  }
}
