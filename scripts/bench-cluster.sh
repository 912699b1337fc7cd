#!/usr/bin/env bash
# The cluster figures of docs/benchmarks.md in one run on this machine: one node against a 3-node local cluster
# (bench pointed at the leader and at a follower), 4 KiB and 64 MiB PUT/GET, GET latency at concurrency 1 (what
# the read barrier costs), the time until a PUT through a survivor succeeds after kill -9 of the leader, and the
# time a returning node takes to catch up and be ready.
set -u
cd "$(dirname "$0")/.."
export CAIRN_ACCESS_KEY=cairnadmin CAIRN_SECRET_KEY=cairnadmin-dev-secret
export CAIRN_CLUSTER_SECRET=bench-cluster-secret-0123456789
D=${D:-10s}
load() { cut -d' ' -f1-3 /proc/loadavg; }
now_ms() { date +%s%3N; }
line() { ./cairn bench --endpoint "$1" --size "$2" --concurrency "$3" --duration "$D" --json 2>/dev/null | python3 -c '
import json,sys
r=json.load(sys.stdin)
print("  ".join("{} {:.1f} MiB/s {:.0f} ops/s p50 {:.2f} ms p99 {:.2f} ms err {}".format(p["name"],p["mibPerSecond"],p["opsPerSecond"],p["latencyMs"]["p50"],p["latencyMs"]["p99"],p["errors"]) for p in r["phases"] if p["name"]!="DELETE"))'; }
suite() { # label endpoint
  echo "$1 4KiB c16 : $(line "$2" 4KiB 16)"
  echo "$1 4KiB c1  : $(line "$2" 4KiB 1)"
  echo "$1 64MiB c4 : $(line "$2" 64MiB 4)"
}
put() { curl -s -o /dev/null -w "%{http_code}" --max-time 5 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$CAIRN_ACCESS_KEY:$CAIRN_SECRET_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X PUT "$@"; }
leader_of() { ./cairn admin cluster --endpoint "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["ranges"][0]["leader"])'; }

echo "== start $(date -u +%H:%M:%S) load $(load)"
rm -rf /tmp/cairn-bench-one /tmp/cairn-bench-cluster
./cairn server --address 127.0.0.1:9321 --data /tmp/cairn-bench-one > /tmp/bench-one.log 2>&1 &
ONE=$!
until curl -sf http://127.0.0.1:9321/health/ready >/dev/null; do sleep 0.3; done
suite "1 node          " http://127.0.0.1:9321
kill $ONE; wait $ONE 2>/dev/null

./cairn cluster local --nodes 3 --data /tmp/cairn-bench-cluster --s3-port 9331 --cluster-port 7331 > /tmp/bench-cluster.out 2>&1 &
CL=$!
until [ "$(wc -l < /tmp/bench-cluster.out)" -ge 3 ] && grep -q '^n3 ' /tmp/bench-cluster.out; do sleep 0.3; done
L=$(leader_of http://127.0.0.1:9331); LP=$((9330 + ${L#n})); F=$(( LP == 9331 ? 9332 : 9331 ))
echo "== cluster up, leader $L (S3 :$LP), follower :$F, load $(load)"
suite "3 nodes, leader " http://127.0.0.1:$LP
suite "3 nodes, follower" http://127.0.0.1:$F

# kill -9 of the leader: how long until a PUT through a survivor succeeds.
[ "$(put http://127.0.0.1:$F/failover)" = 200 ] || echo "could not create the bucket"
LPID=$(pgrep -f -- "--node-id $L " | head -1)
T0=$(now_ms); kill -9 "$LPID"
until [ "$(put --data-binary x http://127.0.0.1:$F/failover/k)" = 200 ]; do sleep 0.05; done
echo "kill -9 of the leader $L: a PUT through a survivor succeeds after $(( $(now_ms) - T0 )) ms"

# writes while it is away, then the time it takes to come back ready (caught up: its read barrier passed).
./cairn bench --endpoint http://127.0.0.1:$F --size 4KiB --concurrency 16 --duration 10s --bucket catchup --json > /tmp/bench-catchup.json 2>/dev/null
echo "written while $L was down: $(python3 -c 'import json; r=json.load(open("/tmp/bench-catchup.json")); print(sum(int(p["ops"]) for p in r["phases"] if p["name"]=="PUT"))' 2>/dev/null) PUTs (plus deletes)"
T0=$(now_ms)
CAIRN_LOG_LEVEL=Warning ./cairn server --node-id $L --address 127.0.0.1:$LP --cluster-address 127.0.0.1:$((7330 + ${L#n})) \
  --join 127.0.0.1:7331,127.0.0.1:7332,127.0.0.1:7333 --data /tmp/cairn-bench-cluster/$L > /tmp/bench-return.log 2>&1 &
RET=$!
until curl -sf http://127.0.0.1:$LP/health/ready >/dev/null; do sleep 0.05; done
echo "$L back: ready (caught up) $(( $(now_ms) - T0 )) ms after its process started"
./cairn admin cluster --endpoint http://127.0.0.1:$LP --json | python3 -c '
import json,sys; r=json.load(sys.stdin)["ranges"][0]; print("its replica: applied index", r["appliedIndex"], "leader", r["leader"])'
kill $RET; kill -TERM $CL; wait 2>/dev/null
echo "== end $(date -u +%H:%M:%S) load $(load)"
