#!/usr/bin/env bash
# The linearizability checker against a local cluster (NODES=3 by default) whose range splits while the clients run:
# the checker's clients are spread over every node, and an operator splits the range between the checker's keys
# three times during the run (so its four keys end in four ranges). With NODES=5 each range has three replicas and
# two nodes serve it through them. Exits with the checker's status.
set -u
cd "$(dirname "$0")/.."
export CAIRN_ACCESS_KEY=${CAIRN_ACCESS_KEY:-cairnadmin} CAIRN_SECRET_KEY=${CAIRN_SECRET_KEY:-cairnadmin-dev-secret}
export CAIRN_CLUSTER_SECRET=${CAIRN_CLUSTER_SECRET:-check-cluster-secret-0123456789}
D=${D:-40s}
N=${NODES:-3}
DATA=$(mktemp -d /tmp/cairn-check-splits.XXXX)
./cairn --help > /dev/null   # build once, before several ./cairn run at the same time
./cairn cluster local --nodes "$N" --data "$DATA" --s3-port 9341 --cluster-port 7341 > "$DATA/nodes.out" 2>&1 &
CL=$!
trap 'kill $CL 2>/dev/null; wait $CL 2>/dev/null' EXIT
until grep -q "^n$N " "$DATA/nodes.out"; do sleep 0.3; kill -0 $CL 2>/dev/null || { cat "$DATA/nodes.out"; exit 1; }; done
ENDPOINTS=$(awk '{print $2}' "$DATA/nodes.out" | paste -sd,)
./cairn check linearizability --endpoints "$ENDPOINTS" --duration "$D" --clients 8 > "$DATA/check.out" 2>&1 &
CHECK=$!
sleep 4
BUCKET=""
until [ -n "$BUCKET" ]; do
  BUCKET=$(./cairn admin usage --endpoint http://127.0.0.1:9341 --json | python3 -c 'import json,sys; print(next((b["bucket"] for b in json.load(sys.stdin)["buckets"] if b["bucket"].startswith("cairn-lin-")), ""))')
  sleep 0.5
done
for k in 2 1 3; do
  sleep 5
  echo "split $BUCKET at lin/k$k via n$((k % N + 1)): $(./cairn admin cluster split --endpoint http://127.0.0.1:934$((k % N + 1)) --bucket "$BUCKET" --key "lin/k$k" --json)"
done
wait $CHECK; STATUS=$?
cat "$DATA/check.out"
echo "ranges: $(./cairn admin cluster --endpoint http://127.0.0.1:9341 --json | python3 -c 'import json,sys; print(", ".join(r["group"]+"@"+(r["leader"] or "?") for r in json.load(sys.stdin)["ranges"]))')"
exit $STATUS
