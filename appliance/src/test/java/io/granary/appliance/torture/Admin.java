package io.granary.appliance.torture;

/** Runs the granary CLI against the daemon under torture. */
public interface Admin {
  /** One CLI invocation's exit code and output. */
  record Result(int exit, String out) {}

  Result run(String... args);
}
