# Sourced by ./javelin, scripts/test and .ci/run: sets JAVELIN_JAVA_HOME to a JDK 25 or newer.
# Search order: $JAVA_HOME, `java` on PATH, then the usual install folders. The folders can be
# replaced with JAVELIN_JDK_SEARCH (space-separated globs), which the launcher's tests use.

javelin_java_major() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

javelin_is_jdk25() { # true if $1 is a JDK home (java and javac) of version 25 or newer
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  local v
  v=$(javelin_java_major "$1/bin/java")
  [ -n "$v" ] && [ "$v" -ge 25 ]
}

javelin_find_jdk() {
  JAVELIN_JAVA_HOME=""
  if [ -n "${JAVA_HOME:-}" ] && javelin_is_jdk25 "$JAVA_HOME"; then
    JAVELIN_JAVA_HOME=$JAVA_HOME
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    local home
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if javelin_is_jdk25 "$home"; then
      JAVELIN_JAVA_HOME=$home
      return 0
    fi
  fi
  local patterns=${JAVELIN_JDK_SEARCH:-"/usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home $HOME/.sdkman/candidates/java/* $HOME/.jdks/*"}
  local candidate best="" best_v=0 v
  for candidate in $patterns; do
    if javelin_is_jdk25 "$candidate"; then
      v=$(javelin_java_major "$candidate/bin/java")
      if [ "$v" -gt "$best_v" ]; then
        best=$candidate
        best_v=$v
      fi
    fi
  done
  if [ -n "$best" ]; then
    JAVELIN_JAVA_HOME=$best
    return 0
  fi
  echo "javelin: needs a JDK 25 or newer, and found none in JAVA_HOME, on PATH or in the usual folders (/usr/lib/jvm, ...): install one (for example Temurin 25 from https://adoptium.net) or set JAVA_HOME to it." >&2
  return 1
}
