#!/usr/bin/env bash
# Small PUTs on a 3-node local cluster, through the range's leader and through a follower: the figure group
# commit of range commands is about. Usage: [D=10s] [C=16] scripts/bench-cluster-put.sh [BIN] — BIN is a published cairn
# (default ./cairn); e.g. compare a copy of an older .build/cairn with the current one, back to back.
set -u
cd "$(dirname "$0")/.."
BIN=${1:-./cairn}
export CAIRN_ACCESS_KEY=cairnadmin CAIRN_SECRET_KEY=cairnadmin-dev-secret
export CAIRN_CLUSTER_SECRET=bench-cluster-secret-0123456789
D=${D:-10s}
C=${C:-16}
DATA=/tmp/cairn-bench-put
line() { "$BIN" bench --endpoint "$1" --size 4KiB --concurrency "$C" --duration "$D" --json 2>/dev/null | python3 -c '
import json,sys
r=json.load(sys.stdin)
print("  ".join("{} {:.0f} ops/s p50 {:.2f} ms p99 {:.2f} ms err {}".format(p["name"],p["opsPerSecond"],p["latencyMs"]["p50"],p["latencyMs"]["p99"],p["errors"]) for p in r["phases"] if p["name"]=="PUT"))'; }
leader_of() { "$BIN" admin cluster --endpoint "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ranges"][0]["leader"])'; }
rm -rf $DATA
"$BIN" cluster local --nodes 3 --data $DATA --s3-port 9431 --cluster-port 7431 > /tmp/bench-put-cluster.out 2>&1 &
CL=$!
until [ "$(wc -l < /tmp/bench-put-cluster.out)" -ge 3 ] && grep -q '^n3 ' /tmp/bench-put-cluster.out; do sleep 0.3; done
L=$(leader_of http://127.0.0.1:9431); LP=$((9430 + ${L#n})); F=$(( LP == 9431 ? 9432 : 9431 ))
echo "$BIN $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  leader   4KiB PUT c$C: $(line http://127.0.0.1:$LP)"
echo "  follower 4KiB PUT c$C: $(line http://127.0.0.1:$F)"
kill -TERM $CL; wait $CL 2>/dev/null
