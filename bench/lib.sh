# Shared by the bench scripts (source it): each benchmark runs on a dedicated stack (state .dev/bench,
# ports offset by 5000: below the kernel's ephemeral port range, so an outgoing connection never
# holds one), which bench_stack_up starts after a clean build and the EXIT trap stops.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BERTH_STATE="$root/.dev/bench" BERTH_PORT_OFFSET=5000
export BERTH_TEST_STATE="$BERTH_STATE" BERTH_TEST_PORT_OFFSET=5000 BERTH_TEST_KEEP_STACK=1

# bench_stack_up [VAR=value ...]: the settings are passed to the stack's backend.
bench_stack_up() {
  # A fresh stack each run, but never under a running one: its processes would lose their files.
  if "$root/dev/stack" status 2>/dev/null | grep -q ' running (pid '; then
    echo "bench: a stack is running at $BERTH_STATE; stop it first: BERTH_STATE=$BERTH_STATE BERTH_PORT_OFFSET=$BERTH_PORT_OFFSET dev/stack down" >&2
    exit 1
  fi
  rm -rf "$BERTH_STATE"
  cd "$root"
  ./mvnw -q -B install -DskipTests -pl bench -am
  trap '"$root/dev/stack" down >"$root/.dev/bench-down.log" 2>&1 || echo "bench: dev/stack down failed, see .dev/bench-down.log" >&2' EXIT
  env "$@" "$root/dev/stack" up
  ./mvnw -q -B dependency:build-classpath -pl bench -Dmdep.outputFile="$BERTH_STATE/bench.classpath" >/dev/null
}

# bench_java CLASS [args ...]: runs a benchmark class of bench/ against the stack.
bench_java() {
  java -Dberth.root="$root" -cp "bench/target/classes:$(cat "$BERTH_STATE/bench.classpath")" "io.berth.bench.$1" "${@:2}"
}
