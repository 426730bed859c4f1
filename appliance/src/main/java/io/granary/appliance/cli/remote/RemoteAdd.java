package io.granary.appliance.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.granary.appliance.cli.ApiClient;
import io.granary.appliance.cli.ApiCommand;
import io.granary.snapshots.api.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code granary remote add NAME --url https://HOST:PORT --token-file FILE [--fingerprint F]}.
 * The token is read here, by the user who has it, and sent to granaryd, which keeps it; it never
 * appears on a command line or in the process list.
 */
@Command(
    name = "add",
    description =
        "Add a remote appliance to replicate to. granaryd checks that it takes the token, and "
            + "pins its certificate: the one it presents now (shown: check it with the peer's "
            + "administrator), or the one --fingerprint gives.")
public final class RemoteAdd extends ApiCommand {
  @Parameters(paramLabel = "NAME")
  String name;

  @Option(
      names = "--url",
      required = true,
      paramLabel = "URL",
      description = "https://HOST:PORT of the peer's admin.tcp listener.")
  String url;

  @Option(
      names = "--token-file",
      required = true,
      paramLabel = "FILE",
      description = "A file holding the token of the peer's admin API.")
  Path tokenFile;

  @Option(
      names = "--fingerprint",
      paramLabel = "FINGERPRINT",
      description =
          "Pin this certificate fingerprint, SHA256:HEX (as openssl x509 -noout -fingerprint "
              + "-sha256 prints the peer's); refuse the peer if it presents another.")
  String fingerprint;

  @Option(
      names = "--bandwidth",
      paramLabel = "SIZE",
      converter = io.granary.appliance.cli.SizeConverter.class,
      description = "Bytes per second replication to it may use, e.g. 10M (default: no limit).")
  Long bandwidth;

  @Override
  protected String action() {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException(Names.invalid("remote", name));
    }
    return "add remote " + name;
  }

  @Override
  protected void run(ApiClient api) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("url", url);
    body.put("token", token());
    if (fingerprint != null) {
      body.put("fingerprint", fingerprint);
    }
    if (bandwidth != null) {
      body.put("bandwidth", bandwidth);
    }
    JsonNode r = api.post("/api/v1/remotes", body);
    if (output().json) {
      printJson(r);
      return;
    }
    out.println("added remote " + name + " at " + r.get("url").asText());
    out.println(
        "certificate "
            + r.get("fingerprint").asText()
            + (fingerprint != null
                ? " (as given)"
                : " (pinned on first use: check it is the peer's own)"));
  }

  /** The token in the file, without the line end an editor or echo leaves. */
  private String token() {
    String why;
    try {
      String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      if (!token.isEmpty()) {
        return token;
      }
      why = "it is empty";
    } catch (NoSuchFileException e) {
      why = "no such file";
    } catch (AccessDeniedException e) {
      why = "permission denied";
    } catch (IOException e) {
      why = e.getMessage();
    }
    throw new IllegalArgumentException("cannot read the token file " + tokenFile + ": " + why);
  }
}
