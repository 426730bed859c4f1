package io.granary.nbd.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of NBD_OPT_INFO and NBD_OPT_GO: an export name and the information requests. Unknown
 * request codes are dropped: the spec says a server ignores what it does not know.
 */
public record ExportRequest(String name, List<InfoType> requests) {

  public static ExportRequest decode(ByteBuffer data) throws MalformedOption {
    String name = NbdStrings.readSized(data, "export name");
    if (data.remaining() < 2) {
      throw new MalformedOption("information request count missing");
    }
    int n = Short.toUnsignedInt(data.getShort());
    if (data.remaining() != 2L * n) {
      throw new MalformedOption(
          n + " information requests announced, " + data.remaining() + " bytes follow");
    }
    List<InfoType> requests = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      InfoType t = InfoType.fromCode(Short.toUnsignedInt(data.getShort()));
      if (t != null && !requests.contains(t)) {
        requests.add(t);
      }
    }
    return new ExportRequest(name, List.copyOf(requests));
  }
}
