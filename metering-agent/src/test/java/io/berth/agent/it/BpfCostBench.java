package io.berth.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.berth.testing.DemoPods;
import io.berth.testing.RealStack;

/**
 * Benchmark (not part of verify; run by bench/metering/run): the traffic meter's mean run time per packet on real
 * pods' traffic, from the kernel's own BPF statistics (kernel.bpf_stats_enabled=1: run_time_ns / run_cnt), under small
 * UDP packets and TCP bulk, beside an empty program attached behind it on each of its hooks (what the statistics cost
 * by themselves).
 */
class BpfCostBench {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void meanRunTimePerPacket() throws Exception {
        BenchReport report = new BenchReport("bpf-cost");
        Path stats = Path.of("/proc/sys/kernel/bpf_stats_enabled");
        String statsBefore = Files.readString(stats).strip();
        try (RealNode node = new RealNode("bench-bpf", 1)) {
            // Real pods on the node: a sender, and a UDP and a TCP receiver.
            DemoPods.Pod a = node.client("a");
            DemoPods.Pod b = node.running("b", null, "udp-sink", "-bind", "0.0.0.0", "-port", "9000");
            DemoPods.Pod c = node.running("c", null, "tcp-sink", "-bind", "0.0.0.0", "-port", "9001");
            // The deployed cadence (reads every 10 s, 60 s windows), not the tests' 1 s / 2 s.
            Map<String, String> settings = new HashMap<>(node.settings());
            settings.put("berth.agent.interval", "60s");
            settings.put("berth.agent.read-interval", "10s");
            AgentProcess agent = node.agent("agent", settings).start();
            for (DemoPods.Pod p : new DemoPods.Pod[]{a, b, c}) {
                agent.awaitLog("traffic meter attached: pod [^ ]+ uid=" + p.uid());
            }
            Path programs;
            try (Stream<Path> builds = Files.list(Path.of(node.pinPath, "progs"))) {
                programs = builds.findFirst().orElseThrow();
            }
            Path empty = loadEmptyProgram(node.work, node.pinPath);
            // Behind the meter on every hook it runs on, so that it sees exactly the meter's packets.
            for (DemoPods.Pod pod : new DemoPods.Pod[]{a, b, c}) {
                for (String hook : new String[]{"egress", "ingress"}) {
                    Host.run("nsenter", "--net=" + node.netnsOf(pod), "--", "tc", "filter", "add", "dev", "eth0",
                            hook, "prio", "2", "handle", "2", "bpf", "da", "object-pinned", empty.toString());
                }
            }
            Files.writeString(stats, "1");

            Stats tx0 = stats(programs.resolve("berth_tx"));
            Stats rx0 = stats(programs.resolve("berth_rx"));
            Stats e0 = stats(empty);
            JsonNode udp = node.pods.exec(a, "udp-flood", "-dst", b.ip(), "-port", "9000", "-size", "64",
                    "-duration", "15s");
            Stats tx1 = stats(programs.resolve("berth_tx"));
            Stats rx1 = stats(programs.resolve("berth_rx"));
            Stats e1 = stats(empty);
            report.line(String.format("real pods on %s; UDP 64-byte flood, %d datagrams in 15 s: berth_tx %s,"
                    + " berth_rx %s, empty program (stats overhead) %s", node.node, udp.get("sent").asLong(),
                    tx1.minus(tx0), rx1.minus(rx0), e1.minus(e0)));
            JsonNode tcp = node.pods.exec(a, "tcp-send", "-dst", c.ip(), "-port", "9001", "-bytes",
                    Long.toString(2L << 30));
            Stats tx2 = stats(programs.resolve("berth_tx"));
            Stats rx2 = stats(programs.resolve("berth_rx"));
            Stats e2 = stats(empty);
            report.line(String.format("TCP bulk, %d bytes (GSO super-packets: one run per skb): berth_tx %s,"
                    + " berth_rx %s, empty program %s", tcp.get("sent").asLong(), tx2.minus(tx1), rx2.minus(rx1),
                    e2.minus(e1)));
            Stats all = tx2.minus(tx0).plus(rx2.minus(rx0));
            Stats baseline = e2.minus(e0);
            report.line(String.format("live, kernel statistics: meter %.1f ns per run over %d runs; empty program"
                    + " on the same hooks %.1f ns over %d runs (the statistics' own clock reads); meter net of that"
                    + " %.1f ns (target <= 50 ns)", all.mean(), all.runs(), baseline.mean(), baseline.runs(),
                    all.mean() - baseline.mean()));
            Files.writeString(stats, "0");
            testRun(report, node.work, node.pinPath, empty);
            report.line("command: bench/metering/run bpf   (BpfCostBench; kernel.bpf_stats_enabled=1 during the run)");
            assertThat(all.runs()).isPositive();
        } finally {
            Files.writeString(stats, statsBefore);
        }
    }

    /**
     * BPF_PROG_TEST_RUN (bpftool prog run, 5,000,000 repeats): the meter's code on one packet in a loop, timed once for
     * the whole loop, so no per-run clock cost. test_run cannot set the skb's tc_classid, so this runs a copy of
     * berth_meter.c whose only change is a constant classid (slot 7), against the agent's own pinned maps.
     */
    static void testRun(BenchReport report, Path work, String pinPath, Path empty) throws Exception {
        Path source = work.resolve("meter-fixed-slot.c");
        String meter = Files.readString(RealStack.root().resolve("metering-agent/src/main/bpf/berth_meter.c"));
        Files.writeString(source, meter.replace("__u32 classid = skb->tc_classid;", "__u32 classid = 0x8007;"));
        Path object = work.resolve("meter-fixed-slot.o");
        String arch = Host.run("uname", "-m").strip();
        Host.run("clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/" + arch + "-linux-gnu", "-c",
                source.toString(), "-o", object.toString());
        Path pinned = Path.of(pinPath, "bench-fixed-slot");
        Path maps = Path.of(pinPath, "maps");
        Host.run("bpftool", "prog", "loadall", object.toString(), pinned.toString(), "type", "classifier", "map",
                "name", "berth_counters", "pinned", maps.resolve("pod_counters").toString(), "map", "name",
                "berth_cidrs4", "pinned", maps.resolve("cidrs4").toString(), "map", "name", "berth_cidrs6", "pinned",
                maps.resolve("cidrs6").toString(), "map", "name", "berth_prefixes4", "pinned",
                maps.resolve("prefixes4").toString(), "map", "name", "berth_prefixes6", "pinned",
                maps.resolve("prefixes6").toString());
        for (String[] c : new String[][]{{"10.244.7.3", "internal"}, {"198.51.100.10", "external"},
                {"10.250.0.10", "external carve-out"}}) {
            Path packet = work.resolve("packet-" + c[0] + ".bin");
            Files.write(packet, udpPacket(c[0]));
            report.line(String.format("BPF_PROG_TEST_RUN, 64-byte UDP to %s (%s): meter %d ns, empty program %d ns",
                    c[0], c[1], testRunNanos(pinned.resolve("berth_tx"), packet), testRunNanos(empty, packet)));
        }
    }

    static long testRunNanos(Path program, Path packet) {
        String out = Host.run("bpftool", "prog", "run", "pinned", program.toString(), "data_in", packet.toString(),
                "repeat", "5000000");
        var m = java.util.regex.Pattern.compile("duration \\(average\\): (\\d+)ns").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("bpftool prog run said: " + out);
        }
        return Long.parseLong(m.group(1));
    }

    /** Ethernet, IPv4 and UDP headers and 64 bytes of payload from 10.244.7.2 to {@code destination}. */
    static byte[] udpPacket(String destination) throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(14 + 20 + 8 + 64);
        b.put(new byte[]{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + 64)).putInt(0).put((byte) 64).put((byte) 17)
                .putShort((short) 0).put(java.net.InetAddress.getByName("10.244.7.2").getAddress())
                .put(java.net.InetAddress.getByName(destination).getAddress());
        b.putShort((short) 40000).putShort((short) 9000).putShort((short) (8 + 64)).putShort((short) 0);
        b.put(new byte[64]);
        return b.array();
    }

    record Stats(long runs, long nanos) {
        Stats minus(Stats o) {
            return new Stats(runs - o.runs, nanos - o.nanos);
        }

        Stats plus(Stats o) {
            return new Stats(runs + o.runs, nanos + o.nanos);
        }

        double mean() {
            return runs == 0 ? 0 : (double) nanos / runs;
        }

        @Override
        public String toString() {
            return String.format("%.1f ns/run (%d runs)", mean(), runs);
        }
    }

    static Stats stats(Path pinned) throws Exception {
        JsonNode p = JSON.readTree(Host.run("bpftool", "-j", "prog", "show", "pinned", pinned.toString()));
        return new Stats(p.path("run_cnt").asLong(), p.path("run_time_ns").asLong());
    }

    /** Compiles and pins the empty baseline program (src/test/resources/bench/empty.c). */
    static Path loadEmptyProgram(Path work, String pinPath) throws Exception {
        Path source = work.resolve("empty.c");
        Files.createDirectories(work);
        try (var in = BpfCostBench.class.getResourceAsStream("/bench/empty.c")) {
            Files.copy(in, source);
        }
        Path object = work.resolve("empty.o");
        String arch = Host.run("uname", "-m").strip();
        Host.run("clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/" + arch + "-linux-gnu", "-c",
                source.toString(), "-o", object.toString());
        Path pinned = Path.of(pinPath, "empty");
        Host.run("bpftool", "prog", "load", object.toString(), pinned.toString(), "type", "classifier");
        return pinned;
    }

}
