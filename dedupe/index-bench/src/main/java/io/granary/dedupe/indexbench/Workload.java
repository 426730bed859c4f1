package io.granary.dedupe.indexbench;

import java.util.SplittableRandom;

/**
 * Deterministic data set: key i = 32 bytes from a SplittableRandom seeded from
 * (seed, i), so any key can be regenerated without keeping 32*N bytes around;
 * iterating i = 0..N-1 yields keys in random order. The value (24 bytes) is a
 * function of the key, shaped like a chunk location record.
 */
public final class Workload {
    public static final int KEY_LEN = 32;
    public static final int VALUE_LEN = 24;
    public static final long DEFAULT_SEED = 0x6772616e617279L; // "granary"
    /** Keys with i % DELETE_MODULUS == DELETE_RESIDUE form the 10% deleted in phase 6. */
    public static final int DELETE_MODULUS = 10;
    public static final int DELETE_RESIDUE = 3;

    private final long seed;

    public Workload(long seed) {
        this.seed = seed;
    }

    public void key(long i, byte[] out) {
        new SplittableRandom(mix(seed ^ mix(i + 0x1234567L))).nextBytes(out);
    }

    public byte[] key(long i) {
        byte[] k = new byte[KEY_LEN];
        key(i, k);
        return k;
    }

    /** A key from a disjoint stream (different seed domain): never inserted. */
    public byte[] negativeKey(long i) {
        byte[] k = new byte[KEY_LEN];
        new SplittableRandom(mix(~seed ^ mix(i + 0x7654321L))).nextBytes(k);
        return k;
    }

    /** pack id u32, offset u64, stored len u32, raw len u32, codec u8, 3 bytes flags/pad. */
    public static void value(byte[] key, byte[] out) {
        long h = mix(getLong(key, 0) ^ getLong(key, 8));
        long h2 = mix(h ^ getLong(key, 16));
        int pack = (int) (h >>> 44);                  // ~1M packs
        long offset = (h2 & 0xFFFFFFFFL) << 4;        // < 64 GiB
        int stored = 1024 + (int) ((h2 >>> 32) & 0xFFFF);
        int raw = stored + (int) ((h >>> 8) & 0xFFF);
        putInt(out, 0, pack);
        putLong(out, 4, offset);
        putInt(out, 12, stored);
        putInt(out, 16, raw);
        out[20] = (byte) (h & 3);
        out[21] = (byte) (h >>> 2);
        out[22] = 0;
        out[23] = 0;
    }

    public static byte[] value(byte[] key) {
        byte[] v = new byte[VALUE_LEN];
        value(key, v);
        return v;
    }

    public static boolean isDeleted(long i) {
        return i % DELETE_MODULUS == DELETE_RESIDUE;
    }

    static long mix(long z) { // SplitMix64 finalizer
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static long getLong(byte[] b, int off) {
        long r = 0;
        for (int i = 0; i < 8; i++) {
            r = (r << 8) | (b[off + i] & 0xFF);
        }
        return r;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }
}
