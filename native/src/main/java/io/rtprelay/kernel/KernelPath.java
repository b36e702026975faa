package io.rtprelay.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The in-kernel forwarding path: relay.bpf.c loaded once and attached at tc ingress (a clsact qdisc) of the relay's
 * interfaces, and its stream map programmed from Java. A stream that is {@link #put} is forwarded by the kernel
 * from then on, as long as it comes from its latched source and is RTP/RTCP; everything else still reaches the
 * relay's sockets. See docs/KERNEL.md.
 * <p>
 * Thread-safe: map operations are bpf() system calls on the map's descriptor and may come from any thread (the
 * event loop that owns a stream); {@link #close} waits for those in flight. Attaching and detaching talk rtnetlink
 * in the calling thread's network namespace, so {@link #open} and {@link #close} must run in the namespace of the
 * interfaces. Not on the packet path: each call allocates a little off-heap scratch.
 * <p>
 * A filter is attached with the handle of its {@code table} (rtpengine's kernel table number) and replaces a filter
 * of the same table left behind by a relay that died without detaching, so its stale map goes with it.
 */
public final class KernelPath implements AutoCloseable {
    /** tc filter priority of every table's filter; the handle tells the tables apart. */
    static final int TC_PRIORITY = 0x5254;
    private static final int TC_HANDLE_BASE = 0x52540000;
    private static final int E2BIG = 7;

    private final BpfObject object;
    private final LibBpf lib;
    private final List<Attachment> attachments;
    private final int table;
    private final int possibleCpus;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private record Attachment(String name, int ifindex, boolean createdHook) {
    }

    private KernelPath(final BpfObject object, final List<Attachment> attachments, final int table,
        final int possibleCpus) {
        this.object = object;
        this.lib = object.lib();
        this.attachments = attachments;
        this.table = table;
        this.possibleCpus = possibleCpus;
    }

    /**
     * Loads the program and attaches it at tc ingress of each interface (creating its clsact qdisc if it has none).
     *
     * @param interfaces interface names in the calling thread's network namespace.
     * @param table      0..65535, the filter's handle: a second relay in the namespace takes another.
     * @return the attached path; close it to detach.
     * @throws KernelException when the program cannot be loaded or attached; nothing stays attached then.
     */
    public static KernelPath open(final List<String> interfaces, final int table) throws KernelException {
        if (table < 0 || table > 0xffff) {
            throw new IllegalArgumentException("table " + table);
        }
        final BpfObject object = BpfObject.load();
        final List<Attachment> attached = new ArrayList<>();
        try {
            final int cpus = (int) object.lib().numPossibleCpus.invokeExact();
            final KernelPath path = new KernelPath(object, attached, table, cpus);
            for (final String name : interfaces) {
                attached.add(path.attach(name));
            }
            return path;
        } catch (final KernelException e) {
            detachAll(object.lib(), attached, table);
            object.close();
            throw e;
        } catch (final Throwable t) {
            detachAll(object.lib(), attached, table);
            object.close();
            throw new IllegalStateException("libbpf call failed", t);
        }
    }

    /**
     * @return the index of the interface that holds {@code local} (the interface a stream bound there leaves by, in
     * the usual one-address-per-interface setup), or 0 when no interface holds it.
     */
    public static int interfaceIndexOf(final InetAddress local) {
        try {
            final NetworkInterface nif = NetworkInterface.getByInetAddress(local);
            return nif == null ? 0 : nif.getIndex();
        } catch (final SocketException e) {
            return 0;
        }
    }

    /**
     * Puts or replaces the entry of {@code stream.local()}; a replaced entry keeps its counters.
     *
     * @return false when the map is full (the stream stays in userspace).
     */
    public boolean put(final KernelStream stream) {
        lock.readLock().lock();
        try (Arena arena = Arena.ofConfined()) {
            checkOpen();
            final MemorySegment key = arena.allocate(StreamMapEntry.KEY_SIZE, 8);
            final MemorySegment value = arena.allocate(StreamMapEntry.VALUE_SIZE, 8);
            StreamMapEntry.writeKey(key, stream.local());
            final KernelCounters kept = lookup(key, value) ? StreamMapEntry.readCounters(value) : null;
            StreamMapEntry.writeValue(value, stream, kept);
            final int rc = (int) lib.mapUpdateElem.invokeExact(object.streamsFd, key, value, LibBpf.BPF_ANY);
            if (rc == -E2BIG) {
                return false;
            }
            check(rc, "bpf_map_update_elem");
            return true;
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("bpf_map_update_elem", t);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @return true when there was an entry for {@code local}: its datagrams go to userspace again. */
    public boolean remove(final InetSocketAddress local) {
        lock.readLock().lock();
        try (Arena arena = Arena.ofConfined()) {
            checkOpen();
            final MemorySegment key = arena.allocate(StreamMapEntry.KEY_SIZE, 8);
            StreamMapEntry.writeKey(key, local);
            final int rc = (int) lib.mapDeleteElem.invokeExact(object.streamsFd, key);
            if (rc == -LibBpf.ENOENT) {
                return false;
            }
            check(rc, "bpf_map_delete_elem");
            return true;
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("bpf_map_delete_elem", t);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @return what the kernel forwarded for the entry of {@code local}, or null when it has none. */
    public KernelCounters counters(final InetSocketAddress local) {
        lock.readLock().lock();
        try (Arena arena = Arena.ofConfined()) {
            checkOpen();
            final MemorySegment key = arena.allocate(StreamMapEntry.KEY_SIZE, 8);
            final MemorySegment value = arena.allocate(StreamMapEntry.VALUE_SIZE, 8);
            StreamMapEntry.writeKey(key, local);
            return lookup(key, value) ? StreamMapEntry.readCounters(value) : null;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @return the number of entries in the map (a walk over its keys: for tests and operators, not per packet). */
    public int entries() {
        lock.readLock().lock();
        try (Arena arena = Arena.ofConfined()) {
            checkOpen();
            MemorySegment previous = MemorySegment.NULL;
            MemorySegment next = arena.allocate(StreamMapEntry.KEY_SIZE, 8);
            MemorySegment spare = arena.allocate(StreamMapEntry.KEY_SIZE, 8);
            int n = 0;
            while ((int) lib.mapGetNextKey.invokeExact(object.streamsFd, previous, next) == 0) {
                n++;
                previous = next;
                next = spare;
                spare = previous;
            }
            return n;
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("bpf_map_get_next_key", t);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @return where the program sent the UDP datagrams it saw since it was loaded, summed over CPUs. */
    public KernelStatistics statistics() {
        lock.readLock().lock();
        try (Arena arena = Arena.ofConfined()) {
            checkOpen();
            final MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            final MemorySegment perCpu = arena.allocate(ValueLayout.JAVA_LONG, possibleCpus);
            final long[] sums = new long[KernelStatistics.COUNT];
            for (int i = 0; i < sums.length; i++) {
                key.set(ValueLayout.JAVA_INT, 0, i);
                check((int) lib.mapLookupElem.invokeExact(object.statsFd, key, perCpu), "bpf_map_lookup_elem");
                for (int cpu = 0; cpu < possibleCpus; cpu++) {
                    sums[i] += perCpu.getAtIndex(ValueLayout.JAVA_LONG, cpu);
                }
            }
            return KernelStatistics.of(sums);
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("bpf_map_lookup_elem", t);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** @return the interfaces the program is attached to. */
    public List<String> interfaces() {
        return attachments.stream().map(Attachment::name).toList();
    }

    /** Detaches from every interface (removing a clsact qdisc this path created) and unloads the program. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            detachAll(lib, attachments, table);
            object.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Attachment attach(final String name) throws Throwable {
        final int ifindex = lib.ifIndex(name);
        if (ifindex == 0) {
            throw new KernelException("no interface " + name, 19);
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment hook = hook(arena, ifindex, LibBpf.BPF_TC_INGRESS);
            final int created = (int) lib.tcHookCreate.invokeExact(hook);
            if (created < 0 && created != -LibBpf.EEXIST) {
                throw new KernelException("cannot add a clsact qdisc to " + name + ": " + lib.describe(-created),
                    -created);
            }
            final MemorySegment opts = opts(arena, table);
            LibBpf.OPTS_PROG_FD.set(opts, 0L, object.programFd);
            LibBpf.OPTS_FLAGS.set(opts, 0L, LibBpf.BPF_TC_F_REPLACE);
            final int rc = (int) lib.tcAttach.invokeExact(hook, opts);
            if (rc < 0) {
                if (created == 0) {
                    destroyHook(lib, arena, ifindex);
                }
                throw new KernelException("cannot attach to tc ingress of " + name + ": " + lib.describe(-rc), -rc);
            }
            return new Attachment(name, ifindex, created == 0);
        }
    }

    private static void detachAll(final LibBpf lib, final List<Attachment> attachments, final int table) {
        for (final Attachment a : attachments) {
            try (Arena arena = Arena.ofConfined()) {
                // best effort: the interface may be gone (a deleted namespace takes its filters with it)
                final int rc = (int) lib.tcDetach.invokeExact(hook(arena, a.ifindex(), LibBpf.BPF_TC_INGRESS),
                    opts(arena, table));
                assert rc <= 0;
                if (a.createdHook()) {
                    destroyHook(lib, arena, a.ifindex());
                }
            } catch (final Throwable t) {
                throw new IllegalStateException("bpf_tc_detach", t);
            }
        }
    }

    private static void destroyHook(final LibBpf lib, final Arena arena, final int ifindex) throws Throwable {
        // ingress and egress together: libbpf removes the clsact qdisc itself rather than flushing one side
        final int rc = (int) lib.tcHookDestroy.invokeExact(hook(arena, ifindex, LibBpf.BPF_TC_INGRESS | 2));
        assert rc <= 0;
    }

    private static MemorySegment hook(final Arena arena, final int ifindex, final int attachPoint) {
        final MemorySegment hook = arena.allocate(LibBpf.TC_HOOK);
        LibBpf.HOOK_SZ.set(hook, 0L, LibBpf.TC_HOOK.byteSize());
        LibBpf.HOOK_IFINDEX.set(hook, 0L, ifindex);
        LibBpf.HOOK_ATTACH_POINT.set(hook, 0L, attachPoint);
        return hook;
    }

    private static MemorySegment opts(final Arena arena, final int table) {
        final MemorySegment opts = arena.allocate(LibBpf.TC_OPTS);
        LibBpf.OPTS_SZ.set(opts, 0L, LibBpf.TC_OPTS.byteSize());
        LibBpf.OPTS_HANDLE.set(opts, 0L, TC_HANDLE_BASE + table);
        LibBpf.OPTS_PRIORITY.set(opts, 0L, TC_PRIORITY);
        LibBpf.OPTS_PROG_ID.set(opts, 0L, 0);
        return opts;
    }

    private boolean lookup(final MemorySegment key, final MemorySegment value) {
        try {
            final int rc = (int) lib.mapLookupElem.invokeExact(object.streamsFd, key, value);
            if (rc == -LibBpf.ENOENT) {
                return false;
            }
            check(rc, "bpf_map_lookup_elem");
            return true;
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("bpf_map_lookup_elem", t);
        }
    }

    private void check(final int rc, final String call) {
        if (rc < 0) {
            throw new IllegalStateException(call + ": " + lib.describe(-rc));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("kernel path closed");
        }
    }
}
