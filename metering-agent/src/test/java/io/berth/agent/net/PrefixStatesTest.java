package io.berth.agent.net;

import static io.berth.agent.net.PrefixStates.EXTERNAL;
import static io.berth.agent.net.PrefixStates.INTERNAL;
import static io.berth.agent.net.PrefixStates.SPLIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class PrefixStatesTest {

    @Test
    void onlyASlash16ThatALongerCidrOfTheOtherClassCutsIsSplit() {
        List<ClassTable.Entry> entries = new ArrayList<>();
        ClassTableTest.DEFAULTS.forEach(c -> entries.add(entry(c, true)));
        entries.add(entry("10.244.0.0/24", true));
        entries.add(entry("198.51.100.7/32", true));
        entries.add(entry("10.250.0.0/24", false));
        ClassTable table = ClassTable.of(entries);

        PrefixStates v4 = PrefixStates.of(table, true);
        assertThat(v4.state(top16(10, 244))).as("a pod range inside 10/8").isEqualTo(INTERNAL);
        assertThat(v4.state(top16(10, 250))).as("an external carve-out inside 10/8").isEqualTo(SPLIT);
        assertThat(v4.state(top16(198, 51))).as("a lone node address").isEqualTo(SPLIT);
        assertThat(v4.state(top16(8, 8))).isEqualTo(EXTERNAL);
        assertThat(v4.state(top16(172, 16))).isEqualTo(INTERNAL);
        assertThat(v4.state(top16(172, 31))).isEqualTo(INTERNAL);
        assertThat(v4.state(top16(172, 32))).isEqualTo(EXTERNAL);
        assertThat(v4.state(top16(100, 127))).isEqualTo(INTERNAL);
        assertThat(v4.state(top16(100, 128))).isEqualTo(EXTERNAL);
        assertThat(v4.state(top16(0, 0))).as("0.0.0.0/32").isEqualTo(SPLIT);
        assertThat(v4.state(top16(224, 0))).as("224.0.0.0/24").isEqualTo(SPLIT);
        assertThat(v4.splitCount()).isEqualTo(4);

        PrefixStates v6 = PrefixStates.of(table, false);
        assertThat(v6.state(0xfd00)).isEqualTo(INTERNAL);
        assertThat(v6.state(0xfc00)).isEqualTo(INTERNAL);
        assertThat(v6.state(0xfe00)).isEqualTo(EXTERNAL);
        assertThat(v6.state(0xfebf)).as("fe80::/10 ends at febf").isEqualTo(INTERNAL);
        assertThat(v6.state(0xfec0)).isEqualTo(EXTERNAL);
        assertThat(v6.state(0xff02)).isEqualTo(INTERNAL);
        assertThat(v6.state(0x2001)).isEqualTo(EXTERNAL);
        assertThat(v6.state(0x0000)).as("::/128").isEqualTo(SPLIT);
        assertThat(v6.splitCount()).isEqualTo(1);
    }

    @Test
    void entriesPackThirtyTwoStatesOfTwoBitsLowestSlash16First() {
        ClassTable table = ClassTable.of(List.of(entry("10.244.0.0/16", true), entry("10.245.7.0/24", true)));
        PrefixStates v4 = PrefixStates.of(table, true);
        // 10.244 = 2804 = entry 87, position 20; 10.245 = position 21 (split: external around an internal /24)
        assertThat(v4.entry(87)).isEqualTo(1L << 40 | 2L << 42);
        assertThat(v4.entry(86)).isZero();
    }

    /** Wherever the state is not split, it is the class the longest prefix gives every address of that /16. */
    @Test
    void aStateThatIsNotSplitIsTheLongestPrefixClassOfEveryAddressInIt() throws Exception {
        Random random = new Random(20261122);
        for (int round = 0; round < 200; round++) {
            List<ClassTable.Entry> entries = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                // Few first octets and second octets, so that CIDRs nest and overlap.
                int prefix = random.nextInt(33);
                String cidr = (10 + random.nextInt(2)) + "." + random.nextInt(3) + "." + random.nextInt(256) + "."
                        + random.nextInt(256) + "/" + prefix;
                entries.add(entry(cidr, random.nextBoolean()));
            }
            ClassTable table = ClassTable.of(entries.stream()
                    .collect(java.util.stream.Collectors.toMap(ClassTable.Entry::cidr, e -> e, (a, b) -> b,
                            java.util.LinkedHashMap::new))
                    .values().stream().toList());
            PrefixStates v4 = PrefixStates.of(table, true);
            for (int probe = 0; probe < 200; probe++) {
                byte[] a = {(byte) (10 + random.nextInt(2)), (byte) random.nextInt(3), (byte) random.nextInt(256),
                        (byte) random.nextInt(256)};
                if (random.nextInt(10) == 0) {
                    random.nextBytes(a);
                }
                InetAddress address = InetAddress.getByAddress(a);
                int state = v4.state((a[0] & 0xff) << 8 | (a[1] & 0xff));
                if (state != SPLIT) {
                    assertThat(state == INTERNAL).as("%s in %s", address, table.entries())
                            .isEqualTo(table.internal(address));
                }
            }
        }
    }

    static ClassTable.Entry entry(String cidr, boolean internal) {
        return new ClassTable.Entry(Cidr.parse(cidr), internal, "test");
    }

    static int top16(int first, int second) {
        return first << 8 | second;
    }
}
