# Sourced by bin/rtprelay and the scripts under scripts/: picks a JDK 25 and builds a jar when its sources are newer.
#   use_jdk25                   exports JAVA_HOME (yours if it is 25 or newer, else Temurin 25's)
#   build_if_stale JAR MODULE   ./mvnw -pl MODULE -am package when JAR is missing or older than any src/main file
# Expects $here to be the repository root.
use_jdk25() {
    export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
    if [ ! -x "$JAVA_HOME/bin/java" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
        export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
    fi
}

build_if_stale() {
    local jar="$1" module="$2"
    if [ ! -f "$jar" ] || [ -n "$(find "$here" -path '*/src/main/*' -newer "$jar" -print -quit)" ]; then
        (cd "$here" && ./mvnw -B -q -ntp -pl "$module" -am package -DskipTests >&2)
    fi
}
