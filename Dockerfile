# syntax=docker/dockerfile:1
# rtprelay container image: build with the Maven wrapper on a Temurin 25 JDK, cut a JRE to the modules the relay
# uses (jdeps + jlink), train the JDK AOT cache (JEP 483/514) in the runtime image itself, run as non-root.
#   docker build -t rtprelay .
#   docker run --network host rtprelay --interface=10.0.0.5!203.0.113.7
# Media needs host networking (a port range of tens of thousands of UDP ports); ng is UDP 2223, HTTP TCP 9101.
# How each step was checked without a Docker engine: docs/CONTAINER.md and scripts/check-container-steps.sh.

FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
# control and what it depends on (the bench module is not part of the image)
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp package -DskipTests -pl control -am
# The JRE: the modules jdeps finds, plus jdk.unsupported (Netty, Agrona: sun.misc.Unsafe), jdk.management (container
# CPU and memory through the platform MXBeans), jdk.crypto.ec (TLS to NATS) and jdk.net (socket options).
RUN modules="$(jdeps --ignore-missing-deps --multi-release 25 --print-module-deps \
        --class-path 'control/target/lib/*' control/target/rtprelay.jar)" \
    && jlink --add-modules "${modules},jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.net" \
        --strip-debug --no-man-pages --no-header-files --output /opt/jre \
    && mkdir -p /opt/rtprelay \
    && cp control/target/rtprelay.jar control/target/jvm.options /opt/rtprelay/ \
    && cp -r control/target/lib /opt/rtprelay/lib

# glibc and nothing else the relay needs (the JRE and Netty's native transports link only libc, libdl, librt,
# libpthread and libm); no shell: the healthcheck and the Kubernetes hooks use HttpProbe.
FROM gcr.io/distroless/base-debian12 AS runtime
COPY --from=build /opt/jre /opt/jre
COPY --from=build /opt/rtprelay /opt/rtprelay
COPY deploy/container/rtprelay.conf /etc/rtprelay/rtprelay.conf
# AOT training run (as root, before USER, so the cache is not writable by the relay): starts the relay on loopback,
# relays 20 calls, scrapes /metrics, exits; the JVM then writes the AOT cache. The flags are
# control/target/jvm.options (the one definition, from the parent pom), read as a java @argfile here and below,
# so training and production run with the same flags and classpath, as the cache requires.
RUN ["/opt/jre/bin/java", "@/opt/rtprelay/jvm.options", "-XX:AOTCacheOutput=/opt/rtprelay/rtprelay.aot", \
     "-cp", "/opt/rtprelay/rtprelay.jar", "io.rtprelay.control.lifecycle.AotTraining"]
# distroless's nonroot user
USER 65532:65532
EXPOSE 2223/udp 9101/tcp
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/opt/jre/bin/java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx16m", \
         "-cp", "/opt/rtprelay/rtprelay.jar", "io.rtprelay.control.http.HttpProbe", "http://127.0.0.1:9101/healthz"]
# The config file first; every option given to `docker run` / the pod's args overrides its key.
ENTRYPOINT ["/opt/jre/bin/java", "@/opt/rtprelay/jvm.options", "-XX:AOTCache=/opt/rtprelay/rtprelay.aot", \
            "-jar", "/opt/rtprelay/rtprelay.jar", "--config-file=/etc/rtprelay/rtprelay.conf"]
CMD []
