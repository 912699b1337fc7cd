#!/usr/bin/env bash
# The figures of docs/benchmarks.md in one run: machine limits, cairn bench, bare-Kestrel references.
set -u
cd "$(dirname "$0")/.."
export CAIRN_ACCESS_KEY=cairnadmin CAIRN_SECRET_KEY=cairnadmin-dev-secret
echo "== start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 scripts/fsync_files.py /tmp/fsync-test 10 1; rm -rf /tmp/fsync-test
openssl speed -evp md5 -bytes 65536 -seconds 3 2>/dev/null | tail -1
rm -rf /tmp/cairn-bench-run
./cairn server --address 127.0.0.1:9311 --data /tmp/cairn-bench-run > /tmp/server.log 2>&1 &
PID=$!
until curl -sf http://127.0.0.1:9311/health/ready >/dev/null; do sleep 0.5; done
echo "== 4KiB c16 http, load $(cut -d' ' -f1-3 /proc/loadavg)"
./cairn bench --endpoint http://127.0.0.1:9311 --size 4KiB --concurrency 16 --duration 20s --memory-probe $PID | tail -5
echo "== 64MiB c1 http, load $(cut -d' ' -f1-3 /proc/loadavg)"
./cairn bench --endpoint http://127.0.0.1:9311 --size 64MiB --concurrency 1 --duration 20s --memory-probe $PID | tail -5
echo "== 64MiB c2 http"
./cairn bench --endpoint http://127.0.0.1:9311 --size 64MiB --concurrency 2 --duration 15s --memory-probe $PID | tail -5
echo "== 64MiB c4 http"
./cairn bench --endpoint http://127.0.0.1:9311 --size 64MiB --concurrency 4 --duration 15s --memory-probe $PID | tail -5
echo "== 4KiB c16 sdk"
./cairn bench --endpoint http://127.0.0.1:9311 --size 4KiB --concurrency 16 --duration 10s --client sdk | tail -4
# GET: the same 64 MiB through bare Kestrel and through Cairn (presigned), same curl client
head -c 64M /dev/urandom > /tmp/obj64
printf '[default]\nregion = us-east-1\ns3 =\n    signature_version = s3v4\n' > /tmp/awscfg   # SigV4 presigned URLs
export AWS_CONFIG_FILE=/tmp/awscfg AWS_ACCESS_KEY_ID=cairnadmin AWS_SECRET_ACCESS_KEY=cairnadmin-dev-secret AWS_DEFAULT_REGION=us-east-1
aws --endpoint-url http://127.0.0.1:9311 s3 mb s3://getref >/dev/null
aws --endpoint-url http://127.0.0.1:9311 s3 cp /tmp/obj64 s3://getref/obj64 --only-show-errors
URL=$(aws --endpoint-url http://127.0.0.1:9311 s3 presign s3://getref/obj64 --expires-in 3600)
dotnet build -c Release bench/Cairn.KestrelReference -v quiet >/dev/null
dotnet bench/Cairn.KestrelReference/bin/Release/net10.0/Cairn.KestrelReference.dll /tmp/obj64 9411 &
KPID=$!
until curl -sf -o /dev/null http://127.0.0.1:9411/file; do sleep 0.5; done
for c in 1 4; do
  for target in kestrel cairn; do
    if [ $target = kestrel ]; then u=http://127.0.0.1:9411/file; else u=$URL; fi
    seq 1 $((4*c)) | xargs -P $c -I{} curl -s -o /dev/null "$u"   # warm
    start=$(date +%s.%N)
    seq 1 $((20*c)) | xargs -P $c -I{} curl -s -o /dev/null "$u"
    end=$(date +%s.%N); python3 -c "print('GET $target c$c MiB/s', round($((20*c))*64/($end-$start),1))"
  done
done
for c in 1 2 4; do   # the transport alone: bare Kestrel receiving 64 MiB bodies into nothing
  start=$(date +%s.%N)
  seq 1 $((6*c)) | xargs -P $c -I{} curl -s -o /dev/null -T /tmp/obj64 http://127.0.0.1:9411/drain
  end=$(date +%s.%N); python3 -c "print('PUT drain c$c MiB/s', round($((6*c))*64/($end-$start),1))"
done
kill $KPID; kill $PID; wait $PID 2>/dev/null
echo "== end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
