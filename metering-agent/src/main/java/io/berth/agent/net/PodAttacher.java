package io.berth.agent.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.berth.agent.os.Exec;

/**
 * Attaches the pinned programs to a pod's interface inside the pod's network namespace, with tc clsact filters whose
 * classid carries the pod's slot. Works with any CNI: only the pod's own interface is touched, and the filters return
 * "continue", so the CNI's own programs still decide every packet's fate.
 */
public final class PodAttacher {

    /** Why an attach did not happen. */
    public static final class AttachException extends Exception {
        public enum Reason {
            NETNS_GONE, NO_INTERFACE, TC_FAILED
        }

        private final Reason reason;

        AttachException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    static final int FILTER_HANDLE = 0xbe7;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Exec exec;
    private final Tools tools;
    private final String dev;
    private final int priority;
    private final Path programs;

    public PodAttacher(Exec exec, Tools tools, String podInterface, int priority, Path programs) {
        this.exec = exec;
        this.tools = tools;
        this.dev = podInterface;
        this.priority = priority;
        this.programs = programs;
    }

    /**
     * The filter classid for a slot: only its low 16 bits reach the program (see berth_meter.c): bit 15 marks ours, bit
     * 14 an interface without link-layer header, bits 0-13 the slot.
     */
    public static String classid(int slot, boolean l3Device) {
        if (slot < 0 || slot > 0x3fff) {
            throw new IllegalArgumentException("slot " + slot + " out of range");
        }
        return "be7:" + Integer.toHexString(0x8000 | (l3Device ? 0x4000 : 0) | slot);
    }

    /** Attaches (or re-attaches, replacing our filters in place) the counting programs for {@code slot}. */
    public void attach(Path netns, int slot) throws AttachException {
        Exec.Result link = inNetns(netns, List.of(tools.ip(), "-j", "link", "show", "dev", dev), null);
        if (!link.ok()) {
            throw failure(link, AttachException.Reason.NO_INTERFACE,
                    "no interface " + dev + " (berth.agent.net.pod-interface)");
        }
        boolean l3 = !"ether".equals(linkType(link.stdout()));
        String classid = classid(slot, l3);
        String batch = "qdisc replace dev " + dev + " clsact\n"
                + filter("egress", dev, programs.resolve(Bpf.TX_PROGRAM), classid)
                + filter("ingress", dev, programs.resolve(Bpf.RX_PROGRAM), classid);
        Exec.Result tc = inNetns(netns, List.of(tools.tc(), "-batch", "-"), batch);
        if (!tc.ok()) {
            throw failure(tc, AttachException.Reason.TC_FAILED, "tc refused the filters");
        }
    }

    /** Removes our filters from a pod that is still alive (its slot is being given up). */
    public void detach(Path netns) {
        String batch = "filter del dev " + dev + " egress prio " + priority + " handle " + FILTER_HANDLE
                + " bpf\nfilter del dev " + dev + " ingress prio " + priority + " handle " + FILTER_HANDLE + " bpf\n";
        inNetns(netns, List.of(tools.tc(), "-force", "-batch", "-"), batch);
    }

    /**
     * Proves that tc, clsact and cls_bpf work with our pinned program, in a throw-away network namespace (its loopback)
     * that vanishes with the command. Slot 0 is never given to a pod.
     */
    public Exec.Result probe() {
        String batch = "qdisc add dev lo clsact\n" + filter("egress", "lo", programs.resolve(Bpf.TX_PROGRAM),
                classid(0, false));
        return exec.run(List.of(tools.unshare(), "--net", "--", tools.tc(), "-batch", "-"), batch);
    }

    private String filter(String direction, String device, Path program, String classid) {
        return "filter replace dev " + device + " " + direction + " prio " + priority + " handle "
                + FILTER_HANDLE + " bpf da object-pinned " + program + " classid " + classid + "\n";
    }

    private Exec.Result inNetns(Path netns, List<String> command, String stdin) {
        List<String> full = new ArrayList<>(List.of(tools.nsenter(), "--net=" + netns, "--"));
        full.addAll(command);
        return exec.run(full, stdin);
    }

    private static AttachException failure(Exec.Result r, AttachException.Reason otherwise, String what) {
        String message = r.message();
        // nsenter reports a namespace that vanished (the pod's processes exited) as a failed open or setns.
        if (message.startsWith("nsenter:") || message.contains("No such process")) {
            return new AttachException(AttachException.Reason.NETNS_GONE, "network namespace vanished: " + message);
        }
        return new AttachException(otherwise, what + ": " + message);
    }

    static String linkType(String ipJson) {
        try {
            JsonNode links = JSON.readTree(ipJson);
            return links.isArray() && links.size() > 0 ? links.get(0).path("link_type").asText() : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
