package io.berth.agent.net;

import java.util.Comparator;
import java.util.List;

/**
 * The traffic meter's first-level classification for one address family: for every /16 (an address's top 16 bits)
 * whether all its addresses are external, all internal, or the /16 is split and only the LPM trie can tell. The
 * program reads one 2-bit state per packet and walks the trie only for a split /16 (see berth_meter.c).
 *
 * <p>
 * A /16 takes the class of the longest CIDR of at most 16 bits that covers it (external if none) and is split only if
 * a longer CIDR inside it has the other class: a pod range inside 10.0.0.0/8 leaves 10.244.0.0/16 internal, an
 * external carve-out 10.250.0.0/24 makes 10.250.0.0/16 split.
 */
public final class PrefixStates {

    public static final int EXTERNAL = 0;
    public static final int INTERNAL = 1;
    public static final int SPLIT = 2;

    /** Map entries: each holds 32 states of 2 bits. */
    public static final int ENTRIES = 65536 / 32;

    private final byte[] states = new byte[65536];

    private PrefixStates() {
    }

    /** The states for the CIDRs of one family in {@code table} (IPv4 if {@code ipv4}). */
    public static PrefixStates of(ClassTable table, boolean ipv4) {
        List<ClassTable.Entry> family = table.entries().stream().filter(e -> e.cidr().ipv4() == ipv4).toList();
        PrefixStates p = new PrefixStates();
        // Shorter first, so a longer prefix paints over the ranges it narrows.
        family.stream().filter(e -> e.cidr().familyPrefixLength() <= 16)
                .sorted(Comparator.comparingInt(e -> e.cidr().familyPrefixLength())).forEach(e -> {
                    int first = e.cidr().top16();
                    int count = 1 << (16 - e.cidr().familyPrefixLength());
                    for (int t = first; t < first + count; t++) {
                        p.states[t] = classOf(e);
                    }
                });
        byte[] covering = p.states.clone();
        family.stream().filter(e -> e.cidr().familyPrefixLength() > 16).forEach(e -> {
            int t = e.cidr().top16();
            if (covering[t] != classOf(e)) {
                p.states[t] = SPLIT;
            }
        });
        return p;
    }

    private static byte classOf(ClassTable.Entry e) {
        return (byte) (e.internal() ? INTERNAL : EXTERNAL);
    }

    /** The state of the /16 whose top 16 bits are {@code top16}. */
    public int state(int top16) {
        return states[top16];
    }

    /** Map entry {@code entry}: the states of /16s {@code entry * 32} to {@code entry * 32 + 31}, 2 bits each. */
    public long entry(int entry) {
        long v = 0;
        for (int i = 31; i >= 0; i--) {
            v = (v << 2) | states[entry * 32 + i];
        }
        return v;
    }

    public int splitCount() {
        int n = 0;
        for (byte s : states) {
            n += s == SPLIT ? 1 : 0;
        }
        return n;
    }
}
