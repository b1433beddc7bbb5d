# Shared by the integration scripts (it-aot, it-examples): a private local Maven repository with
# Javelin freshly installed, so a user project builds offline against exactly this checkout.
# Source it after find-jdk.sh; it expects $root and defines it_private_repo.

# it_private_repo DIR MODULES LOG: DIR becomes a hard-linked copy of ~/.m2/repository without
# dev/javelin (never written through: every Maven run is offline, so no linked file is rewritten),
# then MODULES (a -pl list, with what they need) are installed into it. Returns non-zero with the
# log's tail on stderr when the install fails.
it_private_repo() {
  local repo=$1 modules=$2 log=$3
  if [ -d "$HOME/.m2/repository" ]; then
    cp -al "$HOME/.m2/repository" "$repo" 2>/dev/null || cp -a "$HOME/.m2/repository" "$repo"
  fi
  mkdir -p "$repo"
  # Installed fresh below; a hard link here would let the install overwrite ~/.m2's copy.
  rm -rf "$repo/dev/javelin"
  (cd "$root" && mvn -B -q -ntp -o install -DskipTests -Dspotless.check.skip=true -Dmaven.repo.local="$repo" \
    -pl "$modules" -am) >"$log" 2>&1 || { tail -n 40 "$log" >&2; return 1; }
}
