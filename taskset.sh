#!/usr/bin/env bash
# bot4 launcher: pins the process to core 0 with taskset (the main thread
# stays there; each worker re-pins its own thread to its core) and starts the
# engine. Options: ./taskset.sh --help
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
entry="$here/dist/scripts/main.js"
if [ ! -f "$entry" ]; then
  echo "bot4: $entry is missing; run 'npm run build' first" >&2
  exit 2
fi
# V8's memory reducer collects garbage about 8 s after start-up and again
# whenever allocation looks idle, to shrink the heap: on an engine that
# allocates nothing once warm, that is the only garbage collection left.
# On-stack replacement: a hot-path function first optimised mid-loop (OSR)
# sometimes kept being entered through its unoptimised code, which boxes
# every double (main collected 3-4 times a second in one run of five); every
# hot loop here returns often, so plain optimisation on the next call suffices.
# gc(): each thread scavenges once between its warm-up and its first order
# (core/metrics/warm-up-collection.ts), so the warm-up's garbage is not
# collected in the middle of the steady run.
node_flags=(--no-memory-reducer --no-use-osr --expose-gc)
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
  exec taskset -c 0 node "${node_flags[@]}" "$entry" "$@"
fi
echo "bot4: taskset is missing or not permitted here; the main thread runs unpinned" >&2
exec node "${node_flags[@]}" "$entry" "$@"
