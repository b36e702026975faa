package io.rtprelay.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The loaded relay.bpf.o (compiled from native/src/main/bpf/relay.bpf.c by the build and shipped in the jar): the
 * program and its two maps in the kernel, owned by a libbpf {@code struct bpf_object}. Closing it closes the
 * program's and maps' descriptors; an attached program keeps them alive in the kernel until it is detached.
 */
final class BpfObject implements AutoCloseable {
    static final String RESOURCE = "relay.bpf.o";
    static final String PROGRAM = "relay_ingress";
    static final String STREAMS_MAP = "relay_streams";
    static final String STATS_MAP = "relay_stats";

    private final LibBpf lib;
    private final Arena arena;
    private final MemorySegment object;
    final int programFd;
    final int streamsFd;
    final int statsFd;

    private BpfObject(final LibBpf lib, final Arena arena, final MemorySegment object, final int programFd,
        final int streamsFd, final int statsFd) {
        this.lib = lib;
        this.arena = arena;
        this.object = object;
        this.programFd = programFd;
        this.streamsFd = streamsFd;
        this.statsFd = statsFd;
    }

    /** Opens and loads the bundled object: the kernel's verifier accepts the program, the maps are created. */
    static BpfObject load() throws KernelException {
        final LibBpf lib = LibBpf.get();
        if (lib == null) {
            throw new KernelException(LibBpf.unavailability(), 0);
        }
        final byte[] elf = readResource();
        final Arena arena = Arena.ofShared();
        MemorySegment object = MemorySegment.NULL;
        try {
            // libbpf keeps a pointer to the ELF bytes while the object lives: they stay in this arena until close.
            final MemorySegment bytes = arena.allocate(elf.length, 8);
            MemorySegment.copy(elf, 0, bytes, ValueLayout.JAVA_BYTE, 0, elf.length);
            final MemorySegment state = LibBpf.newCallState(arena);
            object = (MemorySegment) lib.objectOpenMem.invokeExact(state, bytes, (long) elf.length,
                MemorySegment.NULL);
            if (object.equals(MemorySegment.NULL)) {
                final int errno = LibBpf.errno(state);
                throw new KernelException("libbpf cannot open " + RESOURCE + ": " + lib.describe(errno), errno);
            }
            final int rc = (int) lib.objectLoad.invokeExact(object);
            if (rc < 0) {
                throw new KernelException("the kernel refused " + RESOURCE + ": " + lib.describe(-rc)
                    + hint(-rc), -rc);
            }
            final MemorySegment program = (MemorySegment) lib.objectFindProgramByName.invokeExact(object,
                arena.allocateFrom(PROGRAM));
            if (program.equals(MemorySegment.NULL)) {
                throw new KernelException(RESOURCE + " has no program " + PROGRAM, 0);
            }
            final int programFd = (int) lib.programFd.invokeExact(program);
            final int streamsFd = (int) lib.objectFindMapFdByName.invokeExact(object, arena.allocateFrom(STREAMS_MAP));
            final int statsFd = (int) lib.objectFindMapFdByName.invokeExact(object, arena.allocateFrom(STATS_MAP));
            if (programFd < 0 || streamsFd < 0 || statsFd < 0) {
                throw new KernelException(RESOURCE + " lacks its program or maps", 0);
            }
            final BpfObject loaded = new BpfObject(lib, arena, object, programFd, streamsFd, statsFd);
            object = MemorySegment.NULL;
            return loaded;
        } catch (final KernelException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("libbpf call failed", t);
        } finally {
            if (!object.equals(MemorySegment.NULL)) {
                closeObject(lib, object);
                arena.close();
            }
        }
    }

    LibBpf lib() {
        return lib;
    }

    @Override
    public void close() {
        closeObject(lib, object);
        arena.close();
    }

    private static void closeObject(final LibBpf lib, final MemorySegment object) {
        try {
            lib.objectClose.invokeExact(object);
        } catch (final Throwable t) {
            throw new IllegalStateException("bpf_object__close", t);
        }
    }

    private static String hint(final int errno) {
        return switch (errno) {
            case 1 -> ": loading needs CAP_BPF (or CAP_SYS_ADMIN) and CAP_NET_ADMIN, and no seccomp filter on bpf()";
            case 22, 524 -> ": the kernel is too old for the program (it needs 5.10: bpf_redirect_neigh)";
            default -> "";
        };
    }

    private static byte[] readResource() throws KernelException {
        try (InputStream in = BpfObject.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new KernelException(RESOURCE + " is not on the class path (native/ built without clang?)", 0);
            }
            return in.readAllBytes();
        } catch (final IOException e) {
            throw new KernelException("cannot read " + RESOURCE + ": " + e.getMessage(), 0);
        }
    }
}
