package io.berth.agent.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SampleWriterTest {

    @Test
    void copyRowsAreTabSeparatedWithIsoTimestampsInColumnOrder() {
        PodSample r = new PodSample("0a1b2c3d-1111-2222-3333-444455556666", 0, 60_000, "node-1", "ns", "p",
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
        assertThat(SampleWriter.podRows(List.of(r))).isEqualTo("0a1b2c3d-1111-2222-3333-444455556666\t"
                + "1970-01-01T00:00:00Z\t1970-01-01T00:01:00Z\tnode-1\tns\tp\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t13"
                + "\t14\t15\t16\t17\n");
        assertThat(SampleWriter.POD_COLUMNS.split(",")).hasSize(23);
    }

    @Test
    void objectRowsWriteNullsAndEscapeText() {
        ObjectSample o = new ObjectSample("0a1b2c3d-1111-2222-3333-444455556666", ObjectSample.PVC, 0, 60_000, "ns",
                "data\\1", 1073741824, null, null);
        assertThat(SampleWriter.objectRows(List.of(o))).isEqualTo("0a1b2c3d-1111-2222-3333-444455556666\tpvc\t"
                + "1970-01-01T00:00:00Z\t1970-01-01T00:01:00Z\tns\tdata\\\\1\t1073741824\t\\N\t\\N\n");
    }
}
