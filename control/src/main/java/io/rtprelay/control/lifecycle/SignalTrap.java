package io.rtprelay.control.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Takes a POSIX signal (TERM, INT) away from the JVM's default handling, which would start the shutdown at once,
 * and runs an action instead, through {@code sun.misc.Signal} (module {@code jdk.unsupported}). It is reached
 * reflectively because javac warns on every direct use of that API and the build keeps zero warnings.
 *
 * <p>The action runs on a thread the JVM starts for each delivered signal; it must return quickly.
 */
final class SignalTrap {
    private static final Logger LOG = LoggerFactory.getLogger(SignalTrap.class);

    private SignalTrap() {
    }

    /**
     * @param name   the signal without {@code SIG}, e.g. {@code TERM}.
     * @param action what to do on each delivery.
     * @return whether the handler is installed; when not, the reason was logged and the JVM's default stays.
     */
    static boolean install(final String name, final Runnable action) {
        try {
            final Class<?> signalClass = Class.forName("sun.misc.Signal");
            final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            final Object signal = signalClass.getConstructor(String.class).newInstance(name);
            final InvocationHandler invocation = (proxy, method, args) -> dispatch(name, action, proxy, method, args);
            final Object handler = Proxy.newProxyInstance(SignalTrap.class.getClassLoader(),
                new Class<?>[] {handlerClass}, invocation);
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            return true;
        } catch (final InvocationTargetException e) {
            LOG.warn("cannot handle SIG{}: {}; the JVM's default applies", name, e.getCause().toString());
            return false;
        } catch (final ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("cannot handle SIG{}: {}; the JVM's default applies", name, e.toString());
            return false;
        }
    }

    private static Object dispatch(final String name, final Runnable action, final Object proxy, final Method method,
        final Object[] args) {
        return switch (method.getName()) {
            case "handle" -> {
                try {
                    action.run();
                } catch (final RuntimeException e) {
                    LOG.error("SIG{} handler failed", name, e);
                }
                yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> "rtprelay SIG" + name + " handler";
        };
    }
}
