package io.granary.appliance.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.config.ServiceList;
import io.granary.appliance.policy.PoolSettings;

/** The pool settings a create or change request asks for, over the ones it starts from. */
final class PoolChanges {
  private PoolChanges() {}

  static PoolSettings apply(PoolSettings s, ApiRequest q) throws ProblemException {
    try {
      if (q.has("capacity")) {
        s = s.withCapacity(q.number("capacity", 0));
      }
      if (q.has("overcommit")) {
        JsonNode n = q.body().get("overcommit");
        if (!n.isNumber()) {
          throw new IllegalArgumentException("\"overcommit\" must be a number");
        }
        s = s.withOvercommit(n.asDouble());
      }
      if (q.has("warnPercent") || q.has("criticalPercent")) {
        s =
            s.withThresholds(
                (int) q.number("warnPercent", s.warnPercent()),
                (int) q.number("criticalPercent", s.criticalPercent()));
      }
      if (q.has("services")) {
        s = s.withServices(ServiceList.read(q.body().get("services")));
      }
      if (q.has("profile")) {
        s = s.withProfile(q.text("profile"));
      }
      return s;
    } catch (IllegalArgumentException e) {
      throw new ProblemException(Problem.INVALID, e.getMessage());
    }
  }
}
