#!/usr/bin/env bash
# Same-run A/B of two builds: the store at a base commit (A) against the working tree (B), alternating (A B, B A, …),
# on the figures a change must not regress: 4 KiB PUT at c16 and 64 MiB PUT/GET.
#   scripts/bench-ab.sh BASE_COMMIT [rounds]
set -u
cd "$(dirname "$0")/.."
base=${1:?base commit}; rounds=${2:-2}
export CAIRN_ACCESS_KEY=cairnadmin CAIRN_SECRET_KEY=cairnadmin-dev-secret MALLOC_ARENA_MAX=2
load() { cut -d' ' -f1-3 /proc/loadavg; }
work=$(mktemp -d /tmp/cairn-ab.XXXX)
git worktree add -q "$work/src" "$base"
dotnet publish "$work/src/src/Cairn.Cli/Cairn.Cli.csproj" -c Release -o "$work/a" --nologo -v quiet >/dev/null
./cairn --help >/dev/null 2>&1   # builds B (the working tree) into .build/cairn
bench() { ./cairn bench --endpoint "$1" --size "$2" --concurrency "$3" --duration "$4" --json 2>/dev/null | python3 scripts/bench_line.py; }
serve() { # binary port data -> pid
  rm -rf "$3"; "$1" server --address "127.0.0.1:$2" --data "$3" > "$3.log" 2>&1 &
  echo $!
}
for r in $(seq 1 "$rounds"); do
  # Alternate which side goes first, so drift over the run (load, page cache, heat) does not favour one.
  if [ $((r % 2)) -eq 1 ]; then order="A B"; else order="B A"; fi
  for side in $order; do
    if [ $side = A ]; then bin="$work/a/cairn"; else bin=.build/cairn/cairn; fi
    pid=$(serve "$bin" 9330 "$work/data-$side")
    until curl -sf http://127.0.0.1:9330/health/ready >/dev/null; do sleep 0.3; done
    echo "== round $r $side, load $(load)"
    echo "4KiB c16 : $(bench http://127.0.0.1:9330 4KiB 16 15s)"
    echo "64MiB c1 : $(bench http://127.0.0.1:9330 64MiB 1 10s)"
    echo "64MiB c4 : $(bench http://127.0.0.1:9330 64MiB 4 10s)"
    kill $pid; wait $pid 2>/dev/null
  done
done
git worktree remove --force "$work/src"; rm -rf "$work"
