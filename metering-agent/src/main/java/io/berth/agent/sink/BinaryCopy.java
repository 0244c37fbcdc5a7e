package io.berth.agent.sink;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Rows in PostgreSQL's binary COPY format, streamed to a sink in 64 KiB chunks. Binary, because timestamps and numbers
 * then go as the server stores them and it parses no text (parsing was a quarter of a text COPY's cost); streamed, so
 * the server stores one chunk while the agent encodes the next.
 */
final class BinaryCopy {

    /** Where the bytes go: the COPY in progress, or a buffer. */
    @FunctionalInterface
    interface Sink {
        void write(byte[] bytes, int offset, int length) throws SQLException;
    }

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** PostgreSQL counts timestamps in microseconds from 2000-01-01T00:00:00Z. */
    static final long POSTGRES_EPOCH_MILLIS = 946_684_800_000L;

    private final Sink sink;
    private final byte[] buffer = new byte[64 * 1024];
    private int used;

    BinaryCopy(Sink sink) throws SQLException {
        this.sink = sink;
        room(SIGNATURE.length + 8);
        System.arraycopy(SIGNATURE, 0, buffer, 0, SIGNATURE.length);
        used = SIGNATURE.length;
        putInt(0); // flags: no OIDs
        putInt(0); // no header extension
    }

    BinaryCopy row(int fields) throws SQLException {
        room(2);
        putShort(fields);
        return this;
    }

    /** A uuid column; a value that is not a UUID fails the batch as PostgreSQL would (invalid_text_representation). */
    BinaryCopy uuid(String value) throws SQLException {
        UUID u;
        try {
            u = UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new SQLException("not a UUID: " + value, "22P02");
        }
        room(20);
        putInt(16);
        putLong(u.getMostSignificantBits());
        putLong(u.getLeastSignificantBits());
        return this;
    }

    BinaryCopy timestamp(long epochMillis) throws SQLException {
        return int8((epochMillis - POSTGRES_EPOCH_MILLIS) * 1000);
    }

    BinaryCopy int8(long value) throws SQLException {
        room(12);
        putInt(8);
        putLong(value);
        return this;
    }

    BinaryCopy int8(Long value) throws SQLException {
        return value == null ? nul() : int8(value.longValue());
    }

    BinaryCopy text(String value) throws SQLException {
        if (value == null) {
            return nul();
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        room(4);
        putInt(utf8.length);
        if (utf8.length > buffer.length) {
            flush();
            sink.write(utf8, 0, utf8.length);
        } else {
            room(utf8.length);
            System.arraycopy(utf8, 0, buffer, used, utf8.length);
            used += utf8.length;
        }
        return this;
    }

    /** Writes the trailer and sends what is buffered. */
    void finish() throws SQLException {
        room(2);
        putShort(-1);
        flush();
    }

    private BinaryCopy nul() throws SQLException {
        room(4);
        putInt(-1);
        return this;
    }

    private void room(int bytes) throws SQLException {
        if (used + bytes > buffer.length) {
            flush();
        }
    }

    private void flush() throws SQLException {
        if (used > 0) {
            sink.write(buffer, 0, used);
            used = 0;
        }
    }

    private void putShort(int v) {
        buffer[used++] = (byte) (v >>> 8);
        buffer[used++] = (byte) v;
    }

    private void putInt(int v) {
        buffer[used++] = (byte) (v >>> 24);
        buffer[used++] = (byte) (v >>> 16);
        buffer[used++] = (byte) (v >>> 8);
        buffer[used++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
