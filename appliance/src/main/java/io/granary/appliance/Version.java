package io.granary.appliance;

import picocli.CommandLine;

/** The build's version, from the jar's manifest ({@code dev} when run from classes). */
public final class Version implements CommandLine.IVersionProvider {
  public static String current() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"granary " + current(), "Java " + System.getProperty("java.version")};
  }
}
