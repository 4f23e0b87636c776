package io.github.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RawSocketTest {
    private static final int ECHO_REQUEST = 8;
    private static final int ECHO_REPLY = 0;

    /** An ICMP echo request (RFC 792) with its checksum. */
    static ByteBuffer echoRequest(int id, int seq, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.put((byte) ECHO_REQUEST).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(payload);
        long sum = 0;
        for (int i = 0; i < b.capacity(); i += 2) {
            sum += ((b.get(i) & 0xff) << 8) | (i + 1 < b.capacity() ? b.get(i + 1) & 0xff : 0);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        b.putShort(2, (short) ~sum);
        return b.flip();
    }

    @Test
    void aRawIcmpSocketPingsLoopback() throws Exception {
        IpcSocket raw;
        try {
            raw = IpcSocket.open(SocketDomain.INET, SocketType.RAW, IpcSocket.PROTOCOL_ICMP);
        } catch (AccessDeniedException e) {
            Assumptions.assumeTrue(false, "this process lacks CAP_NET_RAW: " + e.getMessage());
            return;
        }
        try (raw) {
            raw.setOption(SocketOptions.RECEIVE_TIMEOUT, Duration.ofSeconds(5));
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
            raw.sendTo(echoRequest(0x1234, 1, "jipc ping".getBytes(java.nio.charset.StandardCharsets.UTF_8)), loopback);
            for (;;) {
                ByteBuffer in = ByteBuffer.allocate(1500);
                InetSocketAddress from = (InetSocketAddress) raw.receiveFrom(in);
                int ipHeader = (in.get(0) & 0x0f) * 4; // a raw IPv4 socket sees the IP header
                if (in.get(ipHeader) == ECHO_REPLY && in.getShort(ipHeader + 4) == 0x1234) {
                    assertEquals(loopback.getAddress(), from.getAddress());
                    assertEquals(1, in.getShort(ipHeader + 6));
                    return;
                }
            }
        }
    }

    @Test
    void anIcmpDatagramSocketNeedsNoPrivilegeWhereTheGroupRangeAllows() throws Exception {
        IpcSocket ping;
        try {
            ping = IpcSocket.open(SocketDomain.INET, SocketType.DATAGRAM, IpcSocket.PROTOCOL_ICMP);
        } catch (AccessDeniedException e) {
            assertTrue(e.getMessage().contains("ping_group_range"), e.getMessage());
            Assumptions.assumeTrue(false, "ping_group_range excludes this process's group: " + e.getMessage());
            return;
        }
        try (ping) {
            ping.setOption(SocketOptions.RECEIVE_TIMEOUT, Duration.ofSeconds(5));
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
            ping.sendTo(echoRequest(0, 7, new byte[8]), loopback);
            ByteBuffer in = ByteBuffer.allocate(64);
            ping.receiveFrom(in);
            assertEquals(ECHO_REPLY, in.get(0), "an ICMP datagram socket sees no IP header");
            assertEquals(7, in.getShort(6));
        }
    }
}
