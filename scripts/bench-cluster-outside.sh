#!/usr/bin/env bash
# A 5-node local cluster (each range on 3 of the nodes): 4 KiB PUT and GET through a follower replica of the range
# and through a node that reaches it through the members (neither is the range's leader). Usage: [D=8s] [C=16] scripts/bench-cluster-outside.sh
set -u
cd "$(dirname "$0")/.."
export CAIRN_ACCESS_KEY=cairnadmin CAIRN_SECRET_KEY=cairnadmin-dev-secret
export CAIRN_CLUSTER_SECRET=bench-cluster-secret-0123456789
D=${D:-8s}
C=${C:-16}
DATA=$(mktemp -d /tmp/cairn-bench-outside.XXXX)
./cairn --help > /dev/null
./cairn cluster local --nodes 5 --data "$DATA" --s3-port 9451 --cluster-port 7451 > "$DATA/nodes.out" 2>&1 &
CL=$!
trap 'kill -TERM $CL 2>/dev/null; wait $CL 2>/dev/null; rm -rf "$DATA"' EXIT
until grep -q '^n5 ' "$DATA/nodes.out"; do sleep 0.3; kill -0 $CL 2>/dev/null || { cat "$DATA/nodes.out"; exit 1; }; done
read -r MEMBER OUTSIDE < <(./cairn admin cluster --endpoint http://127.0.0.1:9451 --json | python3 -c '
import json,sys
r=json.load(sys.stdin)["ranges"][0]; m=r["members"]
print(next(x for x in m if x != r["leader"]), next("n%d" % i for i in range(1,6) if "n%d" % i not in m))')
line() { ./cairn bench --endpoint "http://127.0.0.1:$((9450 + ${1#n}))" --size 4KiB --concurrency "$C" --duration "$D" --json 2>/dev/null | python3 -c '
import json,sys
r=json.load(sys.stdin)
print("  ".join("{} {:.0f}/s p50 {:.2f} ms p99 {:.2f} ms err {}".format(p["name"],p["opsPerSecond"],p["latencyMs"]["p50"],p["latencyMs"]["p99"],p["errors"]) for p in r["phases"] if p["name"] in ("PUT","GET")))'; }
echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg); range g1 members $(./cairn admin cluster --endpoint http://127.0.0.1:9451 --json | python3 -c 'import json,sys; r=json.load(sys.stdin)["ranges"][0]; print(",".join(r["members"]), "leader", r["leader"])')"
# Each measured twice, alternating, so neither is the only one measured on a fresh cluster.
for _ in 1 2; do
  echo "  through $MEMBER (a follower):   $(line "$MEMBER")"
  echo "  through $OUTSIDE (no replica): $(line "$OUTSIDE")"
done
