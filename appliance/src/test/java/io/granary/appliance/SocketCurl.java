package io.granary.appliance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * curl against the admin socket, optionally as another user (a {@code setpriv} prefix), with
 * the path sent as written ({@code --path-as-is}) so that dot segments reach the daemon.
 */
final class SocketCurl {
  private SocketCurl() {}

  /** The status code, a space and the body of the call. */
  static String call(List<String> prefix, Path socket, String method, String path, String body)
      throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(
        List.of(
            "curl",
            "-s",
            "--path-as-is",
            "-X",
            method,
            "-w",
            " %{http_code}",
            "--unix-socket",
            socket.toString(),
            "http://granaryd" + path));
    if (body != null) {
      cmd.addAll(List.of("-H", "Content-Type: application/json", "-d", body));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor();
    int space = out.lastIndexOf(' ');
    return out.substring(space + 1) + " " + out.substring(0, Math.max(space, 0));
  }
}
