package io.berth.agent.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 CIDR. Held as an IPv6 prefix (IPv4 as ::ffff:a.b.c.d/96+n) so that both families compare alike in
 * Java; the kernel has one LPM trie per family ({@link #lpmKeyHex()}). Parsing never resolves names.
 */
public final class Cidr {

    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private final byte[] address;
    private final int prefix;
    private final boolean ipv4;
    private final String text;

    private Cidr(byte[] address, int prefix, boolean ipv4, String text) {
        this.address = address;
        this.prefix = prefix;
        this.ipv4 = ipv4;
        this.text = text;
    }

    /** Parses "a.b.c.d/n" or "x:y::/n"; host bits are cleared. */
    public static Cidr parse(String value) {
        String s = value == null ? "" : value.strip();
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + s + "' is not a CIDR: no /prefix-length");
        }
        String addr = s.substring(0, slash);
        String len = s.substring(slash + 1);
        if (!len.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("'" + s + "' is not a CIDR: prefix length '" + len
                    + "' is not a number");
        }
        int length = Integer.parseInt(len);
        byte[] mapped = new byte[16];
        int mappedPrefix;
        Matcher v4 = V4.matcher(addr);
        if (v4.matches()) {
            if (length > 32) {
                throw new IllegalArgumentException("'" + s + "' is not a CIDR: prefix length " + length
                        + " is out of range 0..32");
            }
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    throw new IllegalArgumentException("'" + s + "' is not a CIDR: " + octet + " is not an octet");
                }
                mapped[12 + i] = (byte) octet;
            }
            mappedPrefix = 96 + length;
        } else if (addr.contains(":")) {
            if (length > 128) {
                throw new IllegalArgumentException("'" + s + "' is not a CIDR: prefix length " + length
                        + " is out of range 0..128");
            }
            InetAddress parsed;
            try {
                // A literal with a colon is parsed as IPv6, never looked up.
                parsed = InetAddress.getByName(addr);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + s + "' is not a CIDR: '" + addr + "' is not an IPv6 address");
            }
            if (parsed instanceof Inet4Address) {
                // ::ffff:a.b.c.d is returned as IPv4; keep it mapped, with the prefix as written.
                System.arraycopy(parsed.getAddress(), 0, mapped, 12, 4);
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
            } else {
                mapped = parsed.getAddress();
            }
            mappedPrefix = length;
        } else {
            throw new IllegalArgumentException("'" + s + "' is not a CIDR: '" + addr + "' is not an IP address");
        }
        mask(mapped, mappedPrefix);
        return new Cidr(mapped, mappedPrefix, v4.matches(), s);
    }

    /** The address as a /32 or /128. */
    public static Cidr host(InetAddress address) {
        String a = address.getHostAddress();
        int percent = a.indexOf('%');
        if (percent >= 0) {
            a = a.substring(0, percent);
        }
        return parse(a + (address instanceof Inet4Address ? "/32" : "/128"));
    }

    private static void mask(byte[] a, int prefix) {
        for (int bit = prefix; bit < 128; bit++) {
            a[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = mappedBytes(address);
        mask(candidate, prefix);
        return Arrays.equals(candidate, this.address);
    }

    static byte[] mappedBytes(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16) {
            return raw.clone();
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }

    /** Prefix length in the 128-bit (IPv4-mapped) space. */
    public int prefixLength() {
        return prefix;
    }

    /** Prefix length within its family: 0..32 for a CIDR of the IPv4 trie, 0..128 otherwise. */
    public int familyPrefixLength() {
        return ipv4 ? prefix - 96 : prefix;
    }

    /** The top 16 bits of the address within its family (the /16 it lies in, or starts). */
    public int top16() {
        int first = ipv4 ? 12 : 0;
        return (address[first] & 0xff) << 8 | (address[first + 1] & 0xff);
    }

    /** Whether this CIDR goes into the IPv4 trie (written as a.b.c.d/n). */
    public boolean ipv4() {
        return ipv4;
    }

    /**
     * The LPM trie key as bpftool takes it: prefixlen as a host-order (little-endian) u32, then the address in network
     * order: 4 bytes in the IPv4 trie, 16 in the IPv6 one.
     */
    public String lpmKeyHex() {
        byte[] key;
        if (ipv4) {
            key = new byte[8];
            key[0] = (byte) (prefix - 96);
            System.arraycopy(address, 12, key, 4, 4);
        } else {
            key = new byte[20];
            key[0] = (byte) prefix;
            System.arraycopy(address, 0, key, 4, 16);
        }
        return HexFormat.ofDelimiter(" ").formatHex(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.address, address);
    }

    @Override
    public int hashCode() {
        return 31 * prefix + Arrays.hashCode(address);
    }

    @Override
    public String toString() {
        return text;
    }
}
