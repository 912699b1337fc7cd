#!/usr/bin/env bash
# The figures of docs/benchmarks.md in one run: machine limits, cairn bench against Cairn, and the same
# bench client against bare Kestrel (bench/Cairn.KestrelReference) as the transport's own ceiling.
set -u
cd "$(dirname "$0")/.."
export CAIRN_ACCESS_KEY=cairnadmin CAIRN_SECRET_KEY=cairnadmin-dev-secret
load() { cut -d' ' -f1-3 /proc/loadavg; }
put_get() { # endpoint size concurrency duration [extra args] -> one line: PUT and GET MiB/s, ops/s, p50
  ./cairn bench --endpoint "$1" --size "$2" --concurrency "$3" --duration "$4" --json "${@:5}" 2>/dev/null | python3 scripts/bench_line.py
}
echo "== start $(date -u +%H:%M:%S) load $(load)"
python3 scripts/fsync_files.py /tmp/fsync-test 10 1; rm -rf /tmp/fsync-test
openssl speed -evp md5 -bytes 65536 -seconds 3 2>/dev/null | tail -1
if command -v fio >/dev/null; then
  fio --name=seq --filename=/tmp/fio-seq --rw=write --bs=1M --size=2G --end_fsync=1 2>/dev/null | grep -E "WRITE:" | sed 's/^ */fio sequential 1 MiB writes + fsync: /'
  fio --name=seq --filename=/tmp/fio-seq --rw=write --bs=2M --size=2G --direct=1 --end_fsync=1 2>/dev/null | grep -E "WRITE:" | sed 's/^ */fio sequential 2 MiB O_DIRECT writes + fsync: /'
  rm -f /tmp/fio-seq
fi
rm -rf /tmp/cairn-bench-run
./cairn server --address 127.0.0.1:9311 --data /tmp/cairn-bench-run > /tmp/server.log 2>&1 &
PID=$!
until curl -sf http://127.0.0.1:9311/health/ready >/dev/null; do sleep 0.5; done
head -c 64M /dev/urandom > /tmp/obj64
dotnet build -c Release bench/Cairn.KestrelReference -v quiet >/dev/null
dotnet bench/Cairn.KestrelReference/bin/Release/net10.0/Cairn.KestrelReference.dll /tmp/obj64 9411 &
KPID=$!
until curl -sf -o /dev/null http://127.0.0.1:9411/file; do sleep 0.5; done

echo "== 4KiB c16, load $(load)"
./cairn bench --endpoint http://127.0.0.1:9311 --size 4KiB --concurrency 16 --duration 20s --memory-probe $PID | tail -5
echo "== 4KiB c16 --client sdk"
./cairn bench --endpoint http://127.0.0.1:9311 --size 4KiB --concurrency 16 --duration 10s --client sdk | tail -4
for c in 1 2 4 8 16; do
  echo "== 64MiB c$c, load $(load)"
  echo "cairn  : $(put_get http://127.0.0.1:9311 64MiB $c 12s --memory-probe $PID)"
  echo "kestrel: $(put_get http://127.0.0.1:9411 64MiB $c 8s)"
done
# GET: the same 64 MiB through bare Kestrel and through Cairn (presigned), same curl client
printf '[default]\nregion = us-east-1\ns3 =\n    signature_version = s3v4\n' > /tmp/awscfg   # SigV4 presigned URLs
export AWS_CONFIG_FILE=/tmp/awscfg AWS_ACCESS_KEY_ID=cairnadmin AWS_SECRET_ACCESS_KEY=cairnadmin-dev-secret AWS_DEFAULT_REGION=us-east-1
aws --endpoint-url http://127.0.0.1:9311 s3 mb s3://getref >/dev/null
aws --endpoint-url http://127.0.0.1:9311 s3 cp /tmp/obj64 s3://getref/obj64 --only-show-errors
URL=$(aws --endpoint-url http://127.0.0.1:9311 s3 presign s3://getref/obj64 --expires-in 3600)
for c in 1 4; do
  for target in kestrel cairn; do
    if [ $target = kestrel ]; then u=http://127.0.0.1:9411/file; else u=$URL; fi
    seq 1 $((4*c)) | xargs -P $c -I{} curl -s -o /dev/null "$u"   # warm
    start=$(date +%s.%N)
    seq 1 $((20*c)) | xargs -P $c -I{} curl -s -o /dev/null "$u"
    end=$(date +%s.%N); python3 -c "print('curl GET $target c$c MiB/s', round($((20*c))*64/($end-$start),1))"
  done
done
kill $KPID
echo "== 1GiB c16 (memory), load $(load)"
./cairn bench --endpoint http://127.0.0.1:9311 --size 1GiB --concurrency 16 --duration 10s --memory-probe $PID | tail -6
kill $PID; wait $PID 2>/dev/null
echo "== end $(date -u +%H:%M:%S) load $(load)"
