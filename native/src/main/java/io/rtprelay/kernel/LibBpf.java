package io.rtprelay.kernel;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into Debian's libbpf ({@code libbpf.so.1}, package libbpf1) and the few libc functions the kernel path
 * needs, through the FFM API: no JNI glue to compile. libbpf 1.x returns a negative errno from its int functions and
 * NULL with errno set from its pointer functions; the one pointer function used before the object exists captures
 * errno. Stateless and thread-safe; loaded once, with the reason kept when it cannot be ({@link #unavailability}).
 */
@SuppressWarnings("restricted") // native access is the point of this class; the JVM flags enable it
final class LibBpf {
    /** {@code enum bpf_tc_attach_point}: BPF_TC_INGRESS. */
    static final int BPF_TC_INGRESS = 1;
    /** {@code BPF_TC_F_REPLACE}: a filter of the same handle and priority (a crashed relay's) is replaced. */
    static final int BPF_TC_F_REPLACE = 1;
    /** {@code BPF_ANY} for bpf_map_update_elem. */
    static final long BPF_ANY = 0;
    static final int ENOENT = 2;
    static final int EEXIST = 17;

    /**
     * {@code struct bpf_tc_hook { size_t sz; int ifindex; enum bpf_tc_attach_point attach_point; __u32 parent;
     * size_t :0; }}: 24 bytes.
     */
    static final MemoryLayout TC_HOOK = MemoryLayout.structLayout(JAVA_LONG.withName("sz"),
        JAVA_INT.withName("ifindex"), JAVA_INT.withName("attach_point"), JAVA_INT.withName("parent"),
        MemoryLayout.paddingLayout(4));
    /**
     * {@code struct bpf_tc_opts { size_t sz; int prog_fd; __u32 flags; __u32 prog_id; __u32 handle; __u32 priority;
     * size_t :0; }}: 32 bytes.
     */
    static final MemoryLayout TC_OPTS = MemoryLayout.structLayout(JAVA_LONG.withName("sz"),
        JAVA_INT.withName("prog_fd"), JAVA_INT.withName("flags"), JAVA_INT.withName("prog_id"),
        JAVA_INT.withName("handle"), JAVA_INT.withName("priority"), MemoryLayout.paddingLayout(4));
    static final VarHandle HOOK_SZ = field(TC_HOOK, "sz");
    static final VarHandle HOOK_IFINDEX = field(TC_HOOK, "ifindex");
    static final VarHandle HOOK_ATTACH_POINT = field(TC_HOOK, "attach_point");
    static final VarHandle OPTS_SZ = field(TC_OPTS, "sz");
    static final VarHandle OPTS_PROG_FD = field(TC_OPTS, "prog_fd");
    static final VarHandle OPTS_FLAGS = field(TC_OPTS, "flags");
    static final VarHandle OPTS_PROG_ID = field(TC_OPTS, "prog_id");
    static final VarHandle OPTS_HANDLE = field(TC_OPTS, "handle");
    static final VarHandle OPTS_PRIORITY = field(TC_OPTS, "priority");

    private static final Linker LINKER = Linker.nativeLinker();
    private static final AddressLayout C_STRING = ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(
        Long.MAX_VALUE, ValueLayout.JAVA_BYTE));
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final LibBpf INSTANCE;
    private static final String UNAVAILABILITY;

    static {
        LibBpf lib = null;
        String why = null;
        try {
            lib = new LibBpf(SymbolLookup.libraryLookup("libbpf.so.1", Arena.global()));
        } catch (final IllegalArgumentException | UnsatisfiedLinkError | java.util.NoSuchElementException e) {
            why = "libbpf.so.1 cannot be loaded (Debian package libbpf1): " + e.getMessage();
        } catch (final IllegalCallerException e) {
            why = "native access is not enabled (--enable-native-access=ALL-UNNAMED): " + e.getMessage();
        }
        INSTANCE = lib;
        UNAVAILABILITY = why;
    }

    final MethodHandle objectOpenMem;
    final MethodHandle objectLoad;
    final MethodHandle objectClose;
    final MethodHandle objectFindProgramByName;
    final MethodHandle programFd;
    final MethodHandle objectFindMapFdByName;
    final MethodHandle tcHookCreate;
    final MethodHandle tcHookDestroy;
    final MethodHandle tcAttach;
    final MethodHandle tcDetach;
    final MethodHandle mapUpdateElem;
    final MethodHandle mapLookupElem;
    final MethodHandle mapDeleteElem;
    final MethodHandle mapGetNextKey;
    final MethodHandle numPossibleCpus;
    private final MethodHandle ifNameToIndex;
    private final MethodHandle strerror;

    private LibBpf(final SymbolLookup bpf) {
        objectOpenMem = LINKER.downcallHandle(bpf.findOrThrow("bpf_object__open_mem"),
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), Linker.Option.captureCallState("errno"));
        objectLoad = handle(bpf, "bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        objectClose = handle(bpf, "bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
        objectFindProgramByName = handle(bpf, "bpf_object__find_program_by_name",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        programFd = handle(bpf, "bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        objectFindMapFdByName = handle(bpf, "bpf_object__find_map_fd_by_name",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        tcHookCreate = handle(bpf, "bpf_tc_hook_create", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        tcHookDestroy = handle(bpf, "bpf_tc_hook_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        tcAttach = handle(bpf, "bpf_tc_attach", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        tcDetach = handle(bpf, "bpf_tc_detach", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        mapUpdateElem = handle(bpf, "bpf_map_update_elem",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        mapLookupElem = handle(bpf, "bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
            ADDRESS));
        mapDeleteElem = handle(bpf, "bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        mapGetNextKey = handle(bpf, "bpf_map_get_next_key", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
            ADDRESS));
        numPossibleCpus = handle(bpf, "libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));
        final SymbolLookup libc = LINKER.defaultLookup();
        ifNameToIndex = handle(libc, "if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        strerror = handle(libc, "strerror", FunctionDescriptor.of(C_STRING, JAVA_INT));
        // libbpf prints its warnings to stderr by default (an existing clsact qdisc is one); errors come back as
        // return values, so nothing is lost by silencing it.
        try {
            final MethodHandle setPrint = handle(bpf, "libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
            final MemorySegment previous = (MemorySegment) setPrint.invokeExact(MemorySegment.NULL);
            assert previous != null;
        } catch (final Throwable t) {
            throw new IllegalStateException("libbpf_set_print", t);
        }
    }

    /** @return libbpf, or null with {@link #unavailability()} saying why. */
    static LibBpf get() {
        return INSTANCE;
    }

    /** @return why libbpf is not available, or null when it is. */
    static String unavailability() {
        return UNAVAILABILITY;
    }

    /** @return the errno captured by a call given {@code callState} ({@link #newCallState}). */
    static int errno(final MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    static MemorySegment newCallState(final Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** @return the interface's index in the calling thread's network namespace, 0 when there is none. */
    int ifIndex(final String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) ifNameToIndex.invokeExact(arena.allocateFrom(name));
        } catch (final Throwable t) {
            throw new IllegalStateException("if_nametoindex", t);
        }
    }

    /** @return libc's text for {@code errno}, with the symbolic number. */
    String describe(final int errno) {
        try {
            final MemorySegment text = (MemorySegment) strerror.invokeExact(errno);
            return text.getString(0) + " (errno " + errno + ")";
        } catch (final Throwable t) {
            return "errno " + errno;
        }
    }

    private static MethodHandle handle(final SymbolLookup lookup, final String name,
        final FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(lookup.findOrThrow(name), descriptor);
    }

    private static VarHandle field(final MemoryLayout layout, final String name) {
        return layout.varHandle(MemoryLayout.PathElement.groupElement(name));
    }
}
