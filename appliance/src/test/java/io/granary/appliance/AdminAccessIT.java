package io.granary.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.granary.testing.Requirements;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may call the admin API: the socket is root's alone; TCP is TLS with a bearer token. */
class AdminAccessIT {
  @TempDir Path tmp;

  @Test
  void theSocketIsPrivateAndTcpNeedsTlsAndTheToken() throws Exception {
    Path data = tmp.resolve("data");
    Files.createDirectories(data);
    Path keystore = data.resolve("admin.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "secret123",
                "-alias",
                "granary",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2")
            .inheritIO()
            .start();
    assertEquals(0, keytool.waitFor());
    String token = "0123456789abcdef-test-token";
    Files.writeString(data.resolve("admin.token"), token + "\n");
    Path config = tmp.resolve("granary.conf");
    Files.writeString(
        config,
        """
        [admin]
        tcp = "127.0.0.1:0"
        tls-keystore = "admin.p12"
        tls-keystore-password = "secret123"
        token-file = "admin.token"
        """);
    try (DaemonProcess d = new DaemonProcess(data).start("--config", config.toString())) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("admin.sock"))));
      Matcher m =
          Pattern.compile("https://127\\.0\\.0\\.1:([0-9]+)").matcher(Files.readString(d.log));
      assertTrue(m.find(), Files.readString(d.log));
      URI status = URI.create("https://127.0.0.1:" + m.group(1) + "/api/v1/status");
      HttpClient http = HttpClient.newBuilder().sslContext(trustAll()).build();
      assertEquals(
          403,
          http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          "no token");
      assertEquals(
          403,
          http.send(
                  HttpRequest.newBuilder(status)
                      .header("Authorization", "Bearer wrong-token-wrong-token")
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          "a wrong token");
      HttpResponse<String> ok =
          http.send(
              HttpRequest.newBuilder(status).header("Authorization", "Bearer " + token).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertTrue(ok.body().contains("\"pools\":1"), ok.body());
      HttpClient plain = HttpClient.newHttpClient();
      boolean refused;
      try {
        plain.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/api/v1/status"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        refused = false;
      } catch (IOException e) {
        refused = true;
      }
      assertTrue(refused, "plain HTTP is not served on the TLS port");
    }
  }

  /**
   * The kernel says who calls: with an admin group the socket is 0660, and a caller that
   * reaches it through a supplementary group but is neither root nor a listed member is refused
   * on its SO_PEERCRED identity; a caller whose group is the admin group is let in.
   */
  @Test
  void peerCredentialsDecideWhoMayUseTheSocket() throws Exception {
    Requirements.require(Requirements.isRoot(), "root (to call as other users with setpriv)");
    Path data = tmp.resolve("data");
    Files.createDirectories(data);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = tmp.resolve("granary.conf");
    Files.writeString(config, "[admin]\ngroup = \"users\"\n");
    try (DaemonProcess d = new DaemonProcess(data).start("--config", config.toString())) {
      Path socket = data.resolve("admin.sock");
      assertEquals(
          "rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
      assertEquals(
          "users", Files.readAttributes(socket, PosixFileAttributes.class).group().getName());
      assertEquals(
          "403",
          curlAs(socket, "--regid=65534", "--groups=100"),
          "nobody, via a " + "supplementary group only");
      assertEquals("200", curlAs(socket, "--regid=100", "--clear-groups"), "nobody in group users");

      // The admin group administers volumes, but cannot have the daemon (root) open files.
      new Cli(data).ok("volume", "create", "default/vm", "--size", "1M");
      String[] asMember = {"--regid=100", "--clear-groups"};
      String steal =
          callAs(
              socket,
              asMember,
              "POST",
              "/api/v1/pools/default/imports",
              "{\"name\":\"stolen\",\"source\":\"/etc/shadow\"}");
      assertTrue(
          steal.startsWith("403") && steal.contains("only root may have granaryd open files"),
          steal);
      String overwrite =
          callAs(
              socket,
              asMember,
              "POST",
              "/api/v1/pools/default/volumes/vm/export",
              "{\"target\":\"/etc/granary-test-overwrite\"}");
      assertTrue(overwrite.startsWith("403"), overwrite);
      assertFalse(Files.exists(Path.of("/etc/granary-test-overwrite")));
      assertTrue(
          callAs(
                  socket,
                  asMember,
                  "POST",
                  "/api/v1/pools",
                  "{\"name\":\"p2\",\"path\":\"/etc/p2\",\"capacity\":1073741824}")
              .startsWith("403"));
      assertFalse(Files.exists(Path.of("/etc/p2")));
      String pool =
          callAs(
              socket,
              asMember,
              "POST",
              "/api/v1/pools",
              "{\"name\":\"p3\",\"capacity\":1073741824}");
      assertTrue(pool.startsWith("201"), "a pool in the data directory is fine: " + pool);
      assertTrue(new Cli(data).ok("volume", "list", "-H").out().contains("default/vm"));
      assertFalse(new Cli(data).ok("volume", "list", "-H").out().contains("stolen"));
    }
  }

  private static String curlAs(Path socket, String group, String groups) throws Exception {
    return callAs(socket, new String[] {group, groups}, "GET", "/api/v1/status", null)
        .substring(0, 3);
  }

  /** The status code, a space and the body of a call made as user nobody. */
  private static String callAs(
      Path socket, String[] groups, String method, String path, String body) throws Exception {
    List<String> nobody = new ArrayList<>(List.of("setpriv", "--reuid=65534"));
    nobody.addAll(List.of(groups));
    return SocketCurl.call(nobody, socket, method, path, body);
  }

  private static SSLContext trustAll() throws Exception {
    TrustManager tm =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] c, String a) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {tm}, null);
    return ctx;
  }
}
