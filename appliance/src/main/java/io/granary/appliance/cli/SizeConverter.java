package io.granary.appliance.cli;

import io.granary.appliance.units.Sizes;
import picocli.CommandLine.ITypeConverter;

/** Reads {@code --size 10G} and friends (K, M, G, T are powers of 1024). */
public final class SizeConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    return Sizes.parse(value);
  }
}
