package io.berth.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void ipv4IsHeldMappedIntoIpv6() {
        Cidr c = Cidr.parse("10.244.0.0/16");
        assertThat(c.prefixLength()).isEqualTo(112);
        // IPv4 trie key: prefixlen 16 little-endian, then 10.244.0.0
        assertThat(c.ipv4()).isTrue();
        assertThat(c.lpmKeyHex()).isEqualTo("10 00 00 00 0a f4 00 00");
        // IPv6 trie key: prefixlen 7, then fc00::
        assertThat(Cidr.parse("fc00::/7").lpmKeyHex())
                .isEqualTo("07 00 00 00 fc 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
    }

    @Test
    void ipv6AndHostBitsCleared() throws Exception {
        Cidr c = Cidr.parse("fd00:10::1/64");
        assertThat(c.prefixLength()).isEqualTo(64);
        assertThat(c).isEqualTo(Cidr.parse("fd00:10::/64"));
        assertThat(c.contains(InetAddress.getByName("fd00:10::abcd"))).isTrue();
        assertThat(c.contains(InetAddress.getByName("fd00:11::1"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("10.200.1.1"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("11.0.0.1"))).isFalse();
    }

    @Test
    void malformedCidrsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("out of range 0..32");
        assertThatThrownBy(() -> Cidr.parse("10.0.0/8")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.256/8")).hasMessageContaining("256 is not an octet");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0")).hasMessageContaining("no /prefix-length");
        assertThatThrownBy(() -> Cidr.parse("banana/8")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("fd00::zz/64")).hasMessageContaining("not an IPv6 address");
        assertThatThrownBy(() -> Cidr.parse("fd00::/129")).hasMessageContaining("out of range 0..128");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("not a number");
    }
}
