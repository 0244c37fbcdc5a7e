package io.berth.agent.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The writer's rows, read back as PostgreSQL reads binary COPY (the ITs write them to the real server). */
class SampleWriterTest {

    @Test
    void podRowsAreBinaryCopyInColumnOrder() throws Exception {
        PodSample r = new PodSample("0a1b2c3d-1111-2222-3333-444455556666", 946_684_800_000L, 946_684_860_000L,
                "node-1", "ns", "pød", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);

        List<List<byte[]>> rows = read(SampleWriter.podCopyBytes(List.of(r, r)));

        assertThat(rows).hasSize(2);
        List<byte[]> f = rows.get(0);
        assertThat(f).hasSize(23).hasSize(SampleWriter.POD_COLUMNS.split(",").length);
        assertThat(f.get(0)).isEqualTo(hex("0a1b2c3d111122223333444455556666"));
        assertThat(ByteBuffer.wrap(f.get(1)).getLong()).as("2000-01-01T00:00Z is PostgreSQL's zero").isZero();
        assertThat(ByteBuffer.wrap(f.get(2)).getLong()).as("one minute later, in µs").isEqualTo(60_000_000L);
        assertThat(new String(f.get(5), StandardCharsets.UTF_8)).isEqualTo("pød");
        for (int i = 6; i < 23; i++) {
            assertThat(ByteBuffer.wrap(f.get(i)).getLong()).isEqualTo(i - 5);
        }
    }

    @Test
    void objectRowsWriteNullsAndTextAsIs() throws Exception {
        ObjectSample o = new ObjectSample("0a1b2c3d-1111-2222-3333-444455556666", ObjectSample.PVC, 0, 60_000, "ns",
                "data\\1\t", 1073741824, null, null);

        List<byte[]> f = read(SampleWriter.copyBytes(out -> SampleWriter.objectRows(List.of(o), out))).get(0);

        assertThat(f).hasSize(9).hasSize(SampleWriter.OBJECT_COLUMNS.split(",").length);
        assertThat(new String(f.get(1), StandardCharsets.UTF_8)).isEqualTo("pvc");
        assertThat(ByteBuffer.wrap(f.get(2)).getLong()).isEqualTo(-946_684_800_000_000L);
        assertThat(new String(f.get(5), StandardCharsets.UTF_8)).isEqualTo("data\\1\t");
        assertThat(ByteBuffer.wrap(f.get(6)).getLong()).isEqualTo(1073741824L);
        assertThat(f.get(7)).isNull();
        assertThat(f.get(8)).isNull();
    }

    @Test
    void aPodUidThatIsNotAUuidFailsTheBatchAsPostgresWould() {
        PodSample r = new PodSample("not-a-uid", 0, 60_000, "n", "ns", "p", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0);
        assertThatThrownBy(() -> SampleWriter.podCopyBytes(List.of(r))).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).isEqualTo("22P02")).hasMessageContaining("not a UUID: not-a-uid");
    }

    @Test
    void rowsLongerThanTheBufferStreamInChunksAndArriveWhole() throws Exception {
        String longName = "x".repeat(100_000);
        List<PodSample> many = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(new PodSample("0a1b2c3d-1111-2222-3333-444455556666", 0, 60_000, "n", "ns",
                    i == 500 ? longName : "p" + i, i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        }

        List<List<byte[]>> rows = read(SampleWriter.podCopyBytes(many));

        assertThat(rows).hasSize(1000);
        assertThat(new String(rows.get(500).get(5), StandardCharsets.UTF_8)).isEqualTo(longName);
        assertThat(ByteBuffer.wrap(rows.get(999).get(6)).getLong()).isEqualTo(999);
    }

    /** Parses binary COPY: signature, flags, extension, then rows of length-prefixed fields (-1 = NULL), -1 ends. */
    private static List<List<byte[]>> read(byte[] copy) {
        ByteBuffer b = ByteBuffer.wrap(copy);
        byte[] signature = new byte[11];
        b.get(signature);
        assertThat(signature).isEqualTo(new byte[]{'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0});
        assertThat(b.getInt()).as("flags").isZero();
        assertThat(b.getInt()).as("header extension").isZero();
        List<List<byte[]>> rows = new ArrayList<>();
        for (short fields = b.getShort(); fields != -1; fields = b.getShort()) {
            List<byte[]> row = new ArrayList<>();
            for (int i = 0; i < fields; i++) {
                int length = b.getInt();
                if (length < 0) {
                    row.add(null);
                } else {
                    byte[] value = new byte[length];
                    b.get(value);
                    row.add(value);
                }
            }
            rows.add(row);
        }
        assertThat(b.remaining()).as("nothing after the trailer").isZero();
        return rows;
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
