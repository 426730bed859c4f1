package io.granary.dedupe.objectstore;

import io.granary.dedupe.api.ObjectStoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket reached through the AWS SDK for Java v2 over the JDK's own HTTP client. The SDK's
 * standard retries (with backoff, on throttling and 5xx) apply to each call; whoever calls on
 * keeps retrying past them where giving up would lose nothing (the uploader does). Two gaps of
 * that client are closed here: a GET whose body ends short of its length is tried again, never
 * returned; an upload has a time per attempt ({@link Timeouts}), writes having no timeout.
 *
 * <p>What it does not do: print a secret. Errors name the bucket, the key and the service's
 * status and code, never the credentials.
 */
final class S3ObjectStore implements ObjectStore {
  private static final System.Logger LOG = System.getLogger(S3ObjectStore.class.getName());

  /** Attempts at a GET whose answer keeps coming cut short. */
  private static final int CUT_SHORT_ATTEMPTS = 3;

  private final S3Client s3;
  private final String bucket;
  private final Timeouts timeouts;

  /** Attempts the SDK made again (its {@code amz-sdk-request: attempt=N} header, N > 1). */
  private final AtomicLong retries;

  private S3ObjectStore(S3Client s3, String bucket, Timeouts timeouts, AtomicLong retries) {
    this.s3 = s3;
    this.bucket = bucket;
    this.timeouts = timeouts;
    this.retries = retries;
  }

  @Override
  public long retries() {
    return retries.get();
  }

  /** Counts the attempts the SDK sends again, by the attempt number it puts on each. */
  private static ExecutionInterceptor countingRetries(AtomicLong retries) {
    return new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(
          Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String attempt = context.httpRequest().firstMatchingHeader("amz-sdk-request").orElse("");
        if (attempt.startsWith("attempt=") && !attempt.startsWith("attempt=1;")) {
          retries.incrementAndGet();
        }
      }
    };
  }

  /**
   * How long a request may take. {@code connect}: to connect; {@code socket}: the longest wait
   * for a byte of an answer (a stalled download fails after it). The JDK's client has no such
   * limit on writing, so a stalled upload would wait forever (measured through a proxy that
   * stops reading: a 32 MiB PUT still hung after 460 s): each attempt at an upload is given
   * {@code uploadFloor} plus its bytes at {@code slowestUpload} bytes a second, after which the
   * SDK abandons it and tries again.
   */
  record Timeouts(Duration connect, Duration socket, Duration uploadFloor, long slowestUpload) {
    /** 5 s, 60 s, and uploads of 60 s plus 4 s a MiB (a 64 MiB pack: 316 s). */
    static final Timeouts DEFAULT =
        new Timeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60), 256 << 10);

    /** The time an attempt at uploading {@code bytes} may take. */
    Duration upload(long bytes) {
      return uploadFloor.plusMillis(bytes * 1000 / slowestUpload);
    }
  }

  /** A client for the bucket; fails if no credentials can be found for it. */
  static S3ObjectStore open(ObjectStoreConfig config) throws IOException {
    return open(config, Timeouts.DEFAULT);
  }

  static S3ObjectStore open(ObjectStoreConfig config, Timeouts timeouts) throws IOException {
    AwsCredentialsProvider credentials = credentials(config);
    AtomicLong retries = new AtomicLong();
    S3ClientBuilder b =
        S3Client.builder()
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(timeouts.connect())
                    .socketTimeout(timeouts.socket())
                    .build())
            .region(Region.of(config.region()))
            .forcePathStyle(config.pathStyle())
            .credentialsProvider(credentials)
            .overrideConfiguration(c -> c.addExecutionInterceptor(countingRetries(retries)));
    if (config.endpoint() != null) {
      b.endpointOverride(config.endpoint());
    }
    return new S3ObjectStore(b.build(), config.bucket(), timeouts, retries);
  }

  /**
   * The credentials' provider, tried once here so that a missing file, profile or variable is
   * one clear sentence at open rather than the SDK's list of every place it looked.
   */
  private static AwsCredentialsProvider credentials(ObjectStoreConfig config) throws IOException {
    ObjectStoreConfig.Credentials c = config.credentials();
    AwsCredentialsProvider p;
    String where;
    if (c instanceof ObjectStoreConfig.Credentials.Keys k) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey()));
    } else if (c instanceof ObjectStoreConfig.Credentials.File f) {
      String profile = f.profile() == null ? "default" : f.profile();
      where = "profile [" + profile + "] of the credentials file " + f.path();
      if (!Files.isReadable(f.path())) {
        throw new IOException("cannot read the credentials file " + f.path());
      }
      p =
          ProfileCredentialsProvider.builder()
              .profileFile(
                  ProfileFile.builder()
                      .content(f.path())
                      .type(ProfileFile.Type.CREDENTIALS)
                      .build())
              .profileName(profile)
              .build();
    } else {
      where =
          "granaryd's environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or ~/.aws;"
              + " or give the pool a credentials file";
      p = DefaultCredentialsProvider.builder().build();
    }
    try {
      p.resolveCredentials();
    } catch (SdkException | UncheckedIOException e) {
      throw new IOException("no credentials for s3://" + config.bucket() + " in " + where);
    }
    return p;
  }

  @Override
  public boolean putIfAbsent(String key, Path file) throws IOException {
    try {
      Duration attempt = timeouts.upload(Files.size(file));
      s3.putObject(
          r ->
              r.bucket(bucket)
                  .key(key)
                  .ifNoneMatch("*")
                  .overrideConfiguration(o -> o.apiCallAttemptTimeout(attempt)),
          RequestBody.fromFile(file));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        return false;
      }
      throw failed("upload", key, e);
    } catch (SdkException e) {
      throw failed("upload", key, e);
    }
  }

  /**
   * A GET's answer, tried again while its body comes short of its {@code Content-Length}: the
   * JDK's client ends a body cut off by the connection's end as if it were whole, and the SDK
   * checks neither its length nor, without a checksum from the service, its bytes. Seen as
   * packs' pages cut short, then read as damaged chunks (ObjectStoreFaultsTest).
   */
  private ResponseBytes<GetObjectResponse> getWhole(
      String key, Consumer<GetObjectRequest.Builder> request) throws IOException {
    for (int attempt = 1; ; attempt++) {
      ResponseBytes<GetObjectResponse> o = s3.getObjectAsBytes(request);
      Long expected = o.response().contentLength();
      int got = o.asByteArrayUnsafe().length;
      if (expected == null || got == expected) {
        return o;
      }
      if (attempt == CUT_SHORT_ATTEMPTS) {
        throw new IOException(
            "cannot read s3://"
                + bucket
                + "/"
                + key
                + ": the answer was cut short, "
                + got
                + " of "
                + expected
                + " bytes ("
                + attempt
                + " attempts)");
      }
      LOG.log(
          Level.WARNING,
          "a GET of s3://{0}/{1} was cut short at {2} of {3} bytes: trying again",
          bucket,
          key,
          got,
          expected);
    }
  }

  @Override
  public Versioned read(String key) throws IOException {
    try {
      var o = getWhole(key, r -> r.bucket(bucket).key(key));
      return new Versioned(o.asByteArray(), o.response().eTag());
    } catch (NoSuchKeyException e) {
      return null;
    } catch (SdkException e) {
      throw failed("read", key, e);
    }
  }

  @Override
  public String swap(String key, byte[] bytes, String etag) throws IOException {
    try {
      return s3.putObject(
              r -> {
                r.bucket(bucket)
                    .key(key)
                    .overrideConfiguration(
                        o -> o.apiCallAttemptTimeout(timeouts.upload(bytes.length)));
                if (etag == null) {
                  r.ifNoneMatch("*");
                } else {
                  r.ifMatch(etag);
                }
              },
              RequestBody.fromBytes(bytes))
          .eTag();
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return null; // 409: a conditional write raced another one (AWS)
      }
      throw failed("update", key, e);
    } catch (SdkException e) {
      throw failed("update", key, e);
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    try {
      return getWhole(key, r -> r.bucket(bucket).key(key)).asByteArray();
    } catch (NoSuchKeyException e) {
      throw missing(key, e);
    } catch (SdkException e) {
      throw failed("read", key, e);
    }
  }

  @Override
  public byte[] get(String key, long from, int length) throws IOException {
    try {
      return getWhole(
              key,
              r -> r.bucket(bucket).key(key).range("bytes=" + from + "-" + (from + length - 1)))
          .asByteArray();
    } catch (NoSuchKeyException e) {
      throw missing(key, e);
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return new byte[0]; // the range starts at or past the end
      }
      throw failed("read", key, e);
    } catch (SdkException e) {
      throw failed("read", key, e);
    }
  }

  @Override
  public long size(String key) throws IOException {
    try {
      HeadObjectResponse h = s3.headObject(r -> r.bucket(bucket).key(key));
      return h.contentLength();
    } catch (NoSuchKeyException e) {
      return -1;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return -1;
      }
      throw failed("look up", key, e);
    } catch (SdkException e) {
      throw failed("look up", key, e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(r -> r.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw failed("delete", key, e);
    }
  }

  /** One DeleteObjects request per {@link #DELETE_BATCH} keys, in quiet mode (errors only). */
  @Override
  public void deleteAll(Collection<String> keys) throws IOException {
    List<String> all = List.copyOf(keys);
    for (int from = 0; from < all.size(); from += DELETE_BATCH) {
      deleteBatch(all.subList(from, Math.min(all.size(), from + DELETE_BATCH)));
    }
  }

  private void deleteBatch(List<String> batch) throws IOException {
    List<ObjectIdentifier> ids = new ArrayList<>(batch.size());
    batch.forEach(k -> ids.add(ObjectIdentifier.builder().key(k).build()));
    DeleteObjectsResponse answer;
    try {
      answer = s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(ids).quiet(true)));
    } catch (SdkException e) {
      String keys = batch.get(0) + (batch.size() > 1 ? " and " + (batch.size() - 1) + " more" : "");
      throw failed("delete", keys, e);
    }
    List<S3Error> refused =
        answer.errors().stream().filter(e -> !"NoSuchKey".equals(e.code())).toList();
    // (S3 itself says nothing of missing keys; a few other services answer NoSuchKey.)
    if (!refused.isEmpty()) {
      S3Error first = refused.get(0);
      throw new IOException(
          "cannot delete s3://"
              + bucket
              + "/"
              + first.key()
              + ": "
              + first.code()
              + (first.message() == null ? "" : " (" + first.message() + ")")
              + (refused.size() > 1 ? "; " + (refused.size() - 1) + " more keys refused" : ""));
    }
  }

  @Override
  public Map<String, Long> list(String prefix) throws IOException {
    Map<String, Long> found = new HashMap<>();
    try {
      ListObjectsV2Request.Builder req =
          ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
      while (true) {
        ListObjectsV2Response page = s3.listObjectsV2(req.build());
        for (S3Object o : page.contents()) {
          found.put(o.key(), o.size());
        }
        if (!Boolean.TRUE.equals(page.isTruncated())) {
          return found;
        }
        req.continuationToken(page.nextContinuationToken());
      }
    } catch (SdkException e) {
      throw failed("list", prefix + "*", e);
    }
  }

  private IOException missing(String key, SdkException e) {
    NoSuchFileException m = new NoSuchFileException("s3://" + bucket + "/" + key);
    m.initCause(e);
    return m;
  }

  private IOException failed(String what, String key, SdkException e) {
    String answer;
    if (e instanceof S3Exception s) {
      String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      answer = "HTTP " + s.statusCode() + (code == null ? "" : " " + code);
    } else {
      answer = e.getMessage();
    }
    return new IOException("cannot " + what + " s3://" + bucket + "/" + key + ": " + answer, e);
  }

  @Override
  public void close() {
    s3.close();
  }
}
