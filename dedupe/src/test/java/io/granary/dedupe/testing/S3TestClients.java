package io.granary.dedupe.testing;

import io.granary.testing.S3Proxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A plain S3 client of a test's s3proxy, for tests to look at or change the bucket behind
 * Granary's back (list, delete, damage objects). The one place the tests of every module build
 * it.
 */
public final class S3TestClients {
  private S3TestClients() {}

  /** A client of {@code server} with its test credentials; the caller closes it. */
  public static S3Client of(S3Proxy server) {
    return S3Client.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(server.endpoint())
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY)))
        .build();
  }
}
