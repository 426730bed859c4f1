package io.granary.dedupe.indexbench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kill -9 check. The parent starts a child JVM that inserts 10,000-key batches
 * in a loop and prints "COMMITTED b" after each durable putBatch returns. After
 * ~5 s the parent SIGKILLs it (Process.destroyForcibly), reopens the store and
 * verifies: it opens; every key of every reported batch is present with the
 * right value; the first unreported batch is all-or-nothing (atomic); a full
 * scan sees exactly the expected entries, in order. Iterations reuse the same
 * directory, so later ones also test writing to a store recovered after a kill.
 *
 * <pre>
 * java -cp ... io.granary.dedupe.indexbench.CrashCheck STORE [--iterations 3] [--kill-after-ms 5000]
 *      [--data DIR] [--out results/crash.tsv]
 * </pre>
 */
public final class CrashCheck {
    static final int BATCH = 10_000;
    static final Workload WL = new Workload(0xC0FFEEL);

    public static void main(String[] args) throws Exception {
        if (args.length >= 4 && args[0].equals("--child")) {
            child(args[1], Path.of(args[2]), Long.parseLong(args[3]));
            return;
        }
        String store = args[0];
        int iterations = 3;
        long killAfterMs = 5000;
        Path data = Path.of("data");
        Path out = Path.of("results/crash.tsv");
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--iterations": iterations = Integer.parseInt(args[++i]); break;
                case "--kill-after-ms": killAfterMs = Long.parseLong(args[++i]); break;
                case "--data": data = Path.of(args[++i]); break;
                case "--out": out = Path.of(args[++i]); break;
                default: throw new IllegalArgumentException(args[i]);
            }
        }
        Path dir = data.resolve("crash-" + store + "-" + ProcessHandle.current().pid());
        Sys.deleteTree(dir);
        Files.createDirectories(out.toAbsolutePath().getParent());
        long nextBatch = 0;
        boolean allOk = true;
        try {
            for (int it = 1; it <= iterations; it++) {
                String line;
                try {
                    long[] r = iteration(store, dir, nextBatch, killAfterMs);
                    nextBatch = r[0];
                    line = String.format("CRASH\tstore=%s\titeration=%d\t%s", store, it, "ok\t" + r[1] + " batches verified\tnextBatchPresentOrAbsent=atomic\treopenMs=" + r[2] + "\tentries=" + r[3]);
                } catch (Exception | AssertionError e) {
                    allOk = false;
                    line = String.format("CRASH\tstore=%s\titeration=%d\tFAIL\t%s", store, it, e);
                    e.printStackTrace();
                }
                System.out.println(line);
                Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (!allOk) {
                    break;
                }
            }
        } finally {
            Sys.deleteTree(dir);
        }
        System.out.println("CRASH-SUMMARY " + store + " " + (allOk ? "PASS" : "FAIL"));
        System.exit(allOk ? 0 : 1);
    }

    /** @return {next batch number to write, batches verified, reopen ms, entries} */
    private static long[] iteration(String store, Path dir, long startBatch, long killAfterMs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ProcessHandle.current().info().arguments().map(a -> jvmArgs(a)).orElse(List.of()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashCheck.class.getName(),
                "--child", store, dir.toString(), Long.toString(startBatch)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        AtomicLong lastReported = new AtomicLong(startBatch - 1);
        Thread reader = new Thread(() -> {
            try (BufferedReader br = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String l;
                while ((l = br.readLine()) != null) {
                    if (l.startsWith("COMMITTED ")) {
                        lastReported.set(Long.parseLong(l.substring(10).trim()));
                    }
                }
            } catch (IOException ignored) {
                // pipe closes when the child dies
            }
        });
        reader.start();
        Thread.sleep(killAfterMs);
        // read the counter BEFORE killing: everything reported so far must survive
        long reported = lastReported.get();
        p.destroyForcibly(); // SIGKILL on Linux
        int exit = p.waitFor();
        reader.join();
        long reportedFinal = lastReported.get(); // lines already in the pipe are also durable
        System.out.printf("[%s] child pid %d killed (exit %d) after %d ms; batches %d..%d reported (%d at kill call)%n",
                store, p.pid(), exit, killAfterMs, startBatch, reportedFinal, reported);
        if (reportedFinal < startBatch) {
            throw new AssertionError("child committed no batch within " + killAfterMs + " ms");
        }
        long t0 = System.nanoTime();
        try (KvIndex idx = KvStores.open(store, dir)) {
            long reopenMs = (System.nanoTime() - t0) / 1_000_000;
            byte[] k = new byte[Workload.KEY_LEN];
            byte[] v = new byte[Workload.VALUE_LEN];
            for (long b = 0; b <= reportedFinal; b++) {
                for (int j = 0; j < BATCH; j++) {
                    WL.key(b * BATCH + j, k);
                    Workload.value(k, v);
                    byte[] got = idx.get(k);
                    if (got == null || !Arrays.equals(got, v)) {
                        throw new AssertionError("batch " + b + " key " + j + (got == null ? " missing" : " wrong value"));
                    }
                }
            }
            // the batch after the last reported one: committed-but-unreported or not at all, never partial
            long present = 0;
            long b = reportedFinal + 1;
            for (int j = 0; j < BATCH; j++) {
                if (idx.get(WL.key(b * BATCH + j)) != null) {
                    present++;
                }
            }
            if (present != 0 && present != BATCH) {
                throw new AssertionError("batch " + b + " partially present: " + present);
            }
            long next = present == BATCH ? b + 1 : b;
            byte[] prev = new byte[Workload.KEY_LEN];
            long[] bad = {0};
            long entries = idx.scan((key, val) -> {
                if (Arrays.compareUnsigned(prev, key) >= 0 || !Arrays.equals(val, Workload.value(key))) {
                    bad[0]++;
                }
                System.arraycopy(key, 0, prev, 0, Workload.KEY_LEN);
            });
            if (bad[0] != 0 || entries != next * BATCH) {
                throw new AssertionError("scan: " + entries + " entries (expected " + next * BATCH + "), bad " + bad[0]);
            }
            return new long[] {next, reportedFinal + 1, reopenMs, entries};
        }
    }

    private static List<String> jvmArgs(String[] all) {
        // keep the JVM options of this process (-Xmx, --add-opens ...), drop -cp/main/args
        List<String> r = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            String a = all[i];
            if (a.equals("-cp") || a.equals("-classpath")) {
                break;
            }
            r.add(a);
        }
        return r;
    }

    private static void child(String store, Path dir, long start) throws IOException {
        byte[][] keys = new byte[BATCH][Workload.KEY_LEN];
        byte[][] vals = new byte[BATCH][Workload.VALUE_LEN];
        try (KvIndex idx = KvStores.open(store, dir)) {
            for (long b = start; ; b++) {
                for (int j = 0; j < BATCH; j++) {
                    WL.key(b * BATCH + j, keys[j]);
                    Workload.value(keys[j], vals[j]);
                }
                idx.putBatch(keys, vals, BATCH);
                System.out.println("COMMITTED " + b);
                System.out.flush();
            }
        }
    }
}
