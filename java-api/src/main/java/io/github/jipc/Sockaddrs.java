package io.github.jipc;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import io.github.jipc.internal.jni.SocketNative;

/**
 * struct sockaddr_un / sockaddr_in / sockaddr_in6 in native memory: offsets
 * and sizes read from native code once, never written as literals here.
 */
final class Sockaddrs {
    private static final int[] L = new int[SocketNative.JIPC_SA_COUNT()];

    static {
        SocketNative.jipc_sockaddr_layout(L);
    }

    static final int STORAGE_SIZE = L[SocketNative.JIPC_SA_STORAGE_SIZE()];
    static final int FAMILY = L[SocketNative.JIPC_SA_FAMILY()];
    static final int FAMILY_SIZE = L[SocketNative.JIPC_SA_FAMILY_SIZE()];
    static final int UN_PATH = L[SocketNative.JIPC_SA_UN_PATH()];
    static final int UN_PATH_SIZE = L[SocketNative.JIPC_SA_UN_PATH_SIZE()];
    static final int IN_PORT = L[SocketNative.JIPC_SA_IN_PORT()];
    static final int IN_ADDR = L[SocketNative.JIPC_SA_IN_ADDR()];
    static final int IN_SIZE = L[SocketNative.JIPC_SA_IN_SIZE()];
    static final int IN6_PORT = L[SocketNative.JIPC_SA_IN6_PORT()];
    static final int IN6_FLOWINFO = L[SocketNative.JIPC_SA_IN6_FLOWINFO()];
    static final int IN6_ADDR = L[SocketNative.JIPC_SA_IN6_ADDR()];
    static final int IN6_SCOPE = L[SocketNative.JIPC_SA_IN6_SCOPE()];
    static final int IN6_SIZE = L[SocketNative.JIPC_SA_IN6_SIZE()];

    private Sockaddrs() {}

    /** A buffer for one address of any family, in native order. */
    static ByteBuffer allocate() {
        return ByteBuffer.allocateDirect(STORAGE_SIZE).order(ByteOrder.nativeOrder());
    }

    /** A JDK Unix address as ours; other addresses as they are. */
    static SocketAddress normalize(SocketAddress a) {
        return a instanceof UnixDomainSocketAddress u ? UnixAddress.of(u.getPath()) : a;
    }

    /** What an unresolved address's use throws: what to do instead. */
    static IllegalArgumentException unresolved(InetSocketAddress in) {
        return new IllegalArgumentException(in + " is unresolved: resolve it first (new InetSocketAddress(host, port)"
                + " looks the host up; InetSocketAddress.createUnresolved does not)");
    }

    /**
     * Writes a, an address of domain, into buf from 0; returns its length.
     *
     * @throws IllegalArgumentException if a does not belong to domain or is unresolved
     */
    static int encode(SocketAddress address, SocketDomain domain, ByteBuffer buf) {
        SocketAddress a = normalize(java.util.Objects.requireNonNull(address, "address"));
        for (int i = 0; i < STORAGE_SIZE; i++) {
            buf.put(i, (byte) 0);
        }
        if (a instanceof UnixAddress u) {
            requireDomain(domain, SocketDomain.UNIX, a);
            putFamily(buf, SocketDomain.UNIX);
            if (u.isUnnamed()) {
                return FAMILY_SIZE;
            }
            byte[] name = u.name().getBytes(StandardCharsets.UTF_8);
            int at = UN_PATH + (u.isAbstract() ? 1 : 0);
            buf.put(at, name);
            return at + name.length + (u.isAbstract() ? 0 : 1);
        }
        if (a instanceof InetSocketAddress in) {
            if (in.isUnresolved()) {
                throw unresolved(in);
            }
            InetAddress ip = in.getAddress();
            if (domain == SocketDomain.INET6 && ip instanceof Inet4Address) {
                ip = mapped(ip);
            }
            if (ip instanceof Inet4Address) {
                requireDomain(domain, SocketDomain.INET, a);
                putFamily(buf, SocketDomain.INET);
                buf.order(ByteOrder.BIG_ENDIAN).putShort(IN_PORT, (short) in.getPort()).order(ByteOrder.nativeOrder());
                buf.put(IN_ADDR, ip.getAddress());
                return IN_SIZE;
            }
            requireDomain(domain, SocketDomain.INET6, a);
            putFamily(buf, SocketDomain.INET6);
            buf.order(ByteOrder.BIG_ENDIAN).putShort(IN6_PORT, (short) in.getPort()).order(ByteOrder.nativeOrder());
            buf.put(IN6_ADDR, ip.getAddress());
            buf.putInt(IN6_SCOPE, ((Inet6Address) ip).getScopeId());
            return IN6_SIZE;
        }
        throw new IllegalArgumentException("not a socket address jipc knows: " + a.getClass().getName()
                + " (use UnixAddress, UnixDomainSocketAddress or InetSocketAddress)");
    }

    private static InetAddress mapped(InetAddress v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4.getAddress(), 0, b, 12, 4);
        try {
            return Inet6Address.getByAddress(null, b, null);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void requireDomain(SocketDomain domain, SocketDomain of, SocketAddress a) {
        if (domain != of) {
            throw new IllegalArgumentException(a + " is an address of " + of + ", not of this " + domain + " socket");
        }
    }

    private static void putFamily(ByteBuffer buf, SocketDomain d) {
        if (FAMILY_SIZE == Short.BYTES) {
            buf.putShort(FAMILY, (short) d.family);
        } else {
            buf.putInt(FAMILY, d.family);
        }
    }

    /** The address of len bytes in buf, or null if len is 0 (no address). */
    static SocketAddress decode(ByteBuffer buf, int len) {
        if (len < FAMILY_SIZE) {
            return null;
        }
        int family = FAMILY_SIZE == Short.BYTES ? Short.toUnsignedInt(buf.getShort(FAMILY)) : buf.getInt(FAMILY);
        if (family == SocketDomain.UNIX.family) {
            if (len <= UN_PATH) {
                return UnixAddress.unnamed();
            }
            boolean isAbstract = buf.get(UN_PATH) == 0;
            int from = UN_PATH + (isAbstract ? 1 : 0);
            int to = from;
            while (to < len && (isAbstract || buf.get(to) != 0)) {
                to++;
            }
            byte[] name = new byte[to - from];
            buf.get(from, name);
            return UnixAddress.decoded(new String(name, StandardCharsets.UTF_8), isAbstract);
        }
        try {
            if (family == SocketDomain.INET.family) {
                byte[] ip = new byte[4];
                buf.get(IN_ADDR, ip);
                int port = Short.toUnsignedInt(buf.order(ByteOrder.BIG_ENDIAN).getShort(IN_PORT));
                buf.order(ByteOrder.nativeOrder());
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            if (family == SocketDomain.INET6.family) {
                byte[] ip = new byte[16];
                buf.get(IN6_ADDR, ip);
                int port = Short.toUnsignedInt(buf.order(ByteOrder.BIG_ENDIAN).getShort(IN6_PORT));
                buf.order(ByteOrder.nativeOrder());
                int scope = buf.getInt(IN6_SCOPE);
                InetAddress a = scope != 0 ? Inet6Address.getByAddress(null, ip, scope) : InetAddress.getByAddress(ip);
                return new InetSocketAddress(a, port);
            }
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        return null;
    }
}
