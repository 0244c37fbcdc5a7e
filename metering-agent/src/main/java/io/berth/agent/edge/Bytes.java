package io.berth.agent.edge;

/** Body bytes through the gateway: {@code in} from clients (requests), {@code out} to clients (responses). */
public record Bytes(long in, long out) {

    public static final Bytes ZERO = new Bytes(0, 0);

    public Bytes plus(Bytes o) {
        return new Bytes(Math.addExact(in, o.in), Math.addExact(out, o.out));
    }

    public boolean isZero() {
        return in == 0 && out == 0;
    }
}
