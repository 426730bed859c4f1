package io.granary.dedupe.indexbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One benchmark run of one store at one N, in a fresh directory.
 *
 * <pre>
 * java -Xmx4g -cp ... io.granary.dedupe.indexbench.BenchRunner STORE N [--data DIR] [--lookups 2000000]
 *      [--reps 3] [--scan-reps 1] [--batch 10000] [--max-insert-sec 1800] [--max-insert-wall-sec 1800]
 *      [--max-disk-gb 40] [--out results/results.tsv] [--tag name] [--keep]
 * </pre>
 */
public final class BenchRunner {
    private final String store;
    private final long n;
    private final Path dataRoot;
    private final int lookups;
    private final int reps;
    private final int scanReps;
    private final int batch;
    private final long maxInsertSec;
    private final long maxInsertWallSec;
    private final long maxDiskBytes;
    private final Path out;
    private final String tag;
    private final boolean keep;
    private final Workload wl = new Workload(Workload.DEFAULT_SEED);
    private final Map<String, Object> result = new LinkedHashMap<>();

    private BenchRunner(String[] args) {
        store = args[0];
        n = parseCount(args[1]);
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--keep")) {
                opt.put("keep", "true");
            } else {
                opt.put(args[i].replaceFirst("^--", ""), args[++i]);
            }
        }
        dataRoot = Path.of(opt.getOrDefault("data", "data"));
        lookups = (int) parseCount(opt.getOrDefault("lookups", "2000000"));
        reps = Integer.parseInt(opt.getOrDefault("reps", "3"));
        scanReps = Integer.parseInt(opt.getOrDefault("scan-reps", "1"));
        batch = Integer.parseInt(opt.getOrDefault("batch", "10000"));
        maxInsertSec = Long.parseLong(opt.getOrDefault("max-insert-sec", "1800"));
        maxInsertWallSec = Long.parseLong(opt.getOrDefault("max-insert-wall-sec", "1800"));
        maxDiskBytes = (long) (Double.parseDouble(opt.getOrDefault("max-disk-gb", "40")) * (1L << 30));
        out = Path.of(opt.getOrDefault("out", "results/results.tsv"));
        tag = opt.getOrDefault("tag", "");
        keep = opt.containsKey("keep");
    }

    static long parseCount(String s) {
        s = s.toLowerCase().replace("_", "");
        long mul = 1;
        if (s.endsWith("m")) {
            mul = 1_000_000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("k")) {
            mul = 1_000;
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s) * mul;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: BenchRunner lmdb|mvstore|rocksdb N [options]");
            System.exit(2);
        }
        new BenchRunner(args).run();
    }

    private void log(String fmt, Object... a) {
        System.out.printf("[%s %,d] %s%n", store, n, String.format(fmt, a));
        System.out.flush();
    }

    private void put(String k, Object v) {
        result.put(k, v);
        log("%s = %s", k, v);
    }

    private void run() throws Exception {
        result.put("store", store);
        result.put("n", n);
        result.put("tag", tag);
        result.put("start", java.time.Instant.now().toString());
        Path dir = dataRoot.resolve(store + "-" + n + "-" + ProcessHandle.current().pid());
        Sys.deleteTree(dir);
        Files.createDirectories(dir);
        try {
            runPhases(dir);
        } finally {
            result.put("rssEndKb", Sys.procStatusKb("VmRSS"));
            result.put("rssPeakKb", Sys.procStatusKb("VmHWM"));
            writeResult();
            if (!keep) {
                Sys.deleteTree(dir);
            }
        }
    }

    private void runPhases(Path dir) throws Exception {
        // ---- 1. insert --------------------------------------------------------------
        long t0 = System.nanoTime();
        KvIndex idx = KvStores.open(store, dir);
        put("createMs", ms(System.nanoTime() - t0));
        if (!insert(idx, dir)) {
            idx.close();
            return;
        }
        // deferred work (RocksDB compactions) is charged to the insert: settle before measuring
        t0 = System.nanoTime();
        idx.awaitBackgroundWork();
        long settleNs = System.nanoTime() - t0;
        put("settleAfterInsertMs", ms(settleNs));
        put("insertPerSInclSettle", (long) (n / (num(result.get("insertWallS")) + settleNs / 1e9)));
        // ---- 7a. heap after load ---------------------------------------------------
        put("heapAfterLoadMB", Sys.heapUsedAfterGc() >> 20);
        put("rssAfterLoadKb", Sys.procStatusKb("VmRSS"));
        put("statsAfterLoad", idx.stats());
        // ---- 2. size, 3. reopen ----------------------------------------------------
        t0 = System.nanoTime();
        idx.close();
        put("closeMs", ms(System.nanoTime() - t0));
        long sz = Sys.apparentSize(dir);
        put("sizeAfterInsert", sz);
        put("sizeAfterInsertAlloc", Sys.allocatedSize(dir));
        put("bytesPerEntry", String.format("%.1f", (double) sz / n));
        t0 = System.nanoTime();
        idx = KvStores.open(store, dir);
        put("reopenMs", ms(System.nanoTime() - t0));
        t0 = System.nanoTime();
        idx.awaitBackgroundWork();
        put("settleAfterReopenMs", ms(System.nanoTime() - t0));
        // ---- 4. lookups --------------------------------------------------------------
        lookups(idx);
        // ---- 5. scan -----------------------------------------------------------------
        for (int r = 0; r < scanReps; r++) {
            scan(idx, n, r);
        }
        // ---- 6. delete 10% -----------------------------------------------------------
        delete(idx);
        put("statsEnd", idx.stats());
        put("heapEndMB", Sys.heapUsedAfterGc() >> 20);
        put("heapCommittedEndMB", Runtime.getRuntime().totalMemory() >> 20);
        put("rssBeforeCloseKb", Sys.procStatusKb("VmRSS"));
        put("rssAnonBeforeCloseKb", Sys.procStatusKb("RssAnon"));
        put("rssFileBeforeCloseKb", Sys.procStatusKb("RssFile"));
        idx.close();
        put("sizeAfterDelete", Sys.apparentSize(dir));
        put("sizeAfterDeleteAlloc", Sys.allocatedSize(dir));
        put("status", "ok");
    }

    private boolean insert(KvIndex idx, Path dir) throws IOException {
        int batches = (int) ((n + batch - 1) / batch);
        long[] batchNs = new long[batches];
        byte[][] keys = new byte[batch][Workload.KEY_LEN];
        byte[][] vals = new byte[batch][Workload.VALUE_LEN];
        long start = System.nanoTime();
        long putNs = 0;
        int nextReport = Math.max(1, batches / 50);
        long lastReportDone = 0;
        long lastReportNs = start;
        for (int b = 0; b < batches; b++) {
            long bs = System.nanoTime();
            long first = (long) b * batch;
            int cnt = (int) Math.min(batch, n - first);
            for (int j = 0; j < cnt; j++) {
                wl.key(first + j, keys[j]);
                Workload.value(keys[j], vals[j]);
            }
            long ps = System.nanoTime();
            idx.putBatch(keys, vals, cnt);
            long pe = System.nanoTime();
            putNs += pe - ps;
            batchNs[b] = pe - bs;
            if ((b + 1) % nextReport == 0 || b == batches - 1) {
                double el = (pe - start) / 1e9;
                long done = first + cnt;
                // projection: elapsed + remaining keys at the rate of the most recent reporting interval
                double recentRate = (done - lastReportDone) / ((pe - lastReportNs) / 1e9);
                double proj = el + (n - done) / recentRate;
                lastReportDone = done;
                lastReportNs = pe;
                long disk = Sys.apparentSize(dir);
                log("insert %5.1f%%  %,d keys  %.0f s  %,.0f/s  projected total %.0f s  disk %,d MB",
                        100.0 * done / n, done, el, done / el, proj, disk >> 20);
                if (disk > maxDiskBytes) {
                    abortInsert("disk " + (disk >> 20) + " MB > limit", done, el, proj);
                    return false;
                }
                if (el > 120 && proj > maxInsertSec) {
                    abortInsert("projected insert " + (long) proj + " s > " + maxInsertSec + " s", done, el, proj);
                    return false;
                }
                if (el > maxInsertWallSec && done < n) {
                    abortInsert("insert still running after " + maxInsertWallSec + " s", done, el, proj);
                    return false;
                }
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        put("insertWallS", String.format("%.1f", wall));
        put("insertPerS", (long) (n / wall));
        put("insertPerSStoreOnly", (long) (n / (putNs / 1e9)));
        int tenth = Math.max(1, batches / 10);
        put("insertPerSFirst10pct", rate(batchNs, 0, tenth));
        put("insertPerSLast10pct", rate(batchNs, batches - tenth, batches));
        put("batchMsMedian", String.format("%.1f", medianMs(batchNs)));
        return true;
    }

    private void abortInsert(String why, long done, double el, double proj) {
        put("status", "aborted: " + why);
        put("insertedBeforeAbort", done);
        put("insertWallS", String.format("%.1f", el));
        put("insertPerS", (long) (done / el));
        put("insertProjectedS", (long) proj);
    }

    private long rate(long[] batchNs, int from, int to) {
        long ns = 0;
        for (int i = from; i < to; i++) {
            ns += batchNs[i];
        }
        long keys = Math.min(n, (long) to * batch) - (long) from * batch;
        return (long) (keys / (ns / 1e9));
    }

    private static double medianMs(long[] ns) {
        long[] c = ns.clone();
        Arrays.sort(c);
        return c[c.length / 2] / 1e6;
    }

    private void lookups(KvIndex idx) throws Exception {
        List<Long> one = new ArrayList<>();
        List<Long> two = new ArrayList<>();
        List<Long> neg = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            byte[][] pos = new byte[lookups][];
            SplittableRandom rnd = new SplittableRandom(1000 + r);
            for (int i = 0; i < lookups; i++) {
                pos[i] = wl.key(rnd.nextLong(n));
            }
            one.add(timedLookups(idx, pos, 1, true));
            two.add(timedLookups(idx, pos, 2, true));
            byte[][] negKeys = new byte[lookups][];
            for (int i = 0; i < lookups; i++) {
                negKeys[i] = wl.negativeKey((long) r * lookups + i);
            }
            neg.add(timedLookups(idx, negKeys, 1, false));
        }
        put("lookupPosT1PerS", median(one) + " " + one);
        put("lookupPosT2PerS", median(two) + " " + two);
        put("lookupNegT1PerS", median(neg) + " " + neg);
    }

    private long timedLookups(KvIndex idx, byte[][] keys, int threads, boolean expectFound) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        try {
            int per = keys.length / threads;
            List<Future<Long>> fs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int from = t * per;
                int to = t == threads - 1 ? keys.length : from + per;
                fs.add(ex.submit(() -> {
                    long bad = 0;
                    byte[] expect = new byte[Workload.VALUE_LEN];
                    for (int i = from; i < to; i++) {
                        byte[] v = idx.get(keys[i]);
                        if (expectFound) {
                            Workload.value(keys[i], expect);
                            if (v == null || !Arrays.equals(v, expect)) {
                                bad++;
                            }
                        } else if (v != null) {
                            bad++;
                        }
                    }
                    return bad;
                }));
            }
            long bad = 0;
            for (Future<Long> f : fs) {
                bad += f.get();
            }
            long ns = System.nanoTime() - t0;
            if (bad != 0) {
                throw new IllegalStateException(bad + " wrong lookup results (expectFound=" + expectFound + ")");
            }
            return (long) (keys.length / (ns / 1e9));
        } finally {
            ex.shutdown();
        }
    }

    private void scan(KvIndex idx, long expected, int rep) throws IOException {
        byte[] prev = new byte[Workload.KEY_LEN];
        byte[] expect = new byte[Workload.VALUE_LEN];
        long[] bad = {0};
        boolean[] firstSeen = {false};
        long t0 = System.nanoTime();
        long cnt = idx.scan((k, v) -> {
            if (firstSeen[0] && Arrays.compareUnsigned(prev, k) >= 0) {
                bad[0]++;
            }
            firstSeen[0] = true;
            System.arraycopy(k, 0, prev, 0, Workload.KEY_LEN);
            Workload.value(k, expect);
            if (!Arrays.equals(v, expect)) {
                bad[0]++;
            }
        });
        long ns = System.nanoTime() - t0;
        if (cnt != expected || bad[0] != 0) {
            throw new IllegalStateException("scan: count " + cnt + " (expected " + expected + "), bad " + bad[0]);
        }
        put("scanPerS" + (rep == 0 ? "" : "Rep" + rep), (long) (cnt / (ns / 1e9)));
    }

    private void delete(KvIndex idx) throws IOException {
        byte[][] keys = new byte[batch][Workload.KEY_LEN];
        long deleted = 0;
        long start = System.nanoTime();
        int cnt = 0;
        for (long i = 0; i < n; i++) {
            if (!Workload.isDeleted(i)) {
                continue;
            }
            wl.key(i, keys[cnt++]);
            if (cnt == batch) {
                idx.deleteBatch(keys, cnt);
                deleted += cnt;
                cnt = 0;
            }
        }
        if (cnt > 0) {
            idx.deleteBatch(keys, cnt);
            deleted += cnt;
        }
        double s = (System.nanoTime() - start) / 1e9;
        put("deleted", deleted);
        put("deletePerS", (long) (deleted / s));
        long t0 = System.nanoTime();
        idx.awaitBackgroundWork();
        put("settleAfterDeleteMs", ms(System.nanoTime() - t0));
        // spot check: deleted keys gone, others present
        SplittableRandom rnd = new SplittableRandom(77);
        for (int c = 0; c < 20_000; c++) {
            long i = rnd.nextLong(n);
            boolean present = idx.get(wl.key(i)) != null;
            if (present == Workload.isDeleted(i)) {
                throw new IllegalStateException("delete check failed at i=" + i);
            }
        }
    }

    private static long median(List<Long> xs) {
        List<Long> c = new ArrayList<>(xs);
        c.sort(null);
        return c.get(c.size() / 2);
    }

    private static double num(Object o) {
        return Double.parseDouble(String.valueOf(o));
    }

    private static long ms(long ns) {
        return ns / 1_000_000;
    }

    private void writeResult() throws IOException {
        StringBuilder sb = new StringBuilder("RESULT");
        result.forEach((k, v) -> sb.append('\t').append(k).append('=').append(String.valueOf(v).replace('\t', ' ')));
        System.out.println(sb);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, sb + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
