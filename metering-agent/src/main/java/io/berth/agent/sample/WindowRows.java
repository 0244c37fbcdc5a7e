package io.berth.agent.sample;

import java.util.ArrayList;
import java.util.List;

import io.berth.agent.net.TrafficCounters;
import io.berth.agent.pods.PodResources;
import io.berth.agent.sink.PodSample;

/**
 * Turns a pod's usage into rows. Normally one window; after a gap (the agent was down) the usage counted meanwhile is
 * spread evenly over the missed windows, remainders to the latest ones, so the total stays exact to the unit.
 */
public final class WindowRows {

    private WindowRows() {
    }

    /** The windows [from, to) in steps of {@code interval}, at most {@code max} of them (the latest). */
    public static List<long[]> windows(long from, long to, long interval, int max) {
        long start = Math.max(from, to - (long) max * interval);
        List<long[]> windows = new ArrayList<>();
        for (long s = start; s < to; s += interval) {
            windows.add(new long[]{s, s + interval});
        }
        return windows;
    }

    public static List<PodSample> rows(String uid, String node, String namespace, String name,
            PodResources resources, Usage usage, long memoryAvg, long memoryMax, List<long[]> windows) {
        int k = windows.size();
        long[] cpu = split(usage.cpuUsec(), k);
        long[] ioRead = split(usage.ioReadBytes(), k);
        long[] ioWrite = split(usage.ioWriteBytes(), k);
        long[] net = usage.net().toArray();
        long[][] netSplit = new long[net.length][];
        for (int i = 0; i < net.length; i++) {
            netSplit[i] = split(net[i], k);
        }
        List<PodSample> rows = new ArrayList<>(k);
        for (int w = 0; w < k; w++) {
            long[] n = new long[net.length];
            for (int i = 0; i < net.length; i++) {
                n[i] = netSplit[i][w];
            }
            TrafficCounters t = TrafficCounters.ofArray(n);
            rows.add(new PodSample(uid, windows.get(w)[0], windows.get(w)[1], node, namespace, name, cpu[w],
                    memoryAvg, memoryMax, resources.cpuRequestMillis(), resources.cpuLimitMillis(),
                    resources.memoryRequestBytes(), resources.memoryLimitBytes(), ioRead[w], ioWrite[w],
                    t.internalTxBytes(), t.internalRxBytes(), t.externalTxBytes(), t.externalRxBytes(),
                    t.internalTxPackets(), t.internalRxPackets(), t.externalTxPackets(), t.externalRxPackets()));
        }
        return rows;
    }

    /** {@code total} in {@code k} parts that differ by at most one and add up exactly. */
    public static long[] split(long total, int k) {
        long[] parts = new long[k];
        long base = total / k;
        long remainder = total % k;
        for (int i = 0; i < k; i++) {
            parts[i] = base + (i >= k - remainder ? 1 : 0);
        }
        return parts;
    }
}
