import os, sys, time, threading
d = sys.argv[1]; secs = float(sys.argv[2]); threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
os.makedirs(d, exist_ok=True)
data = os.urandom(4096)
counts = [0] * threads
def work(t):
    dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    end = time.perf_counter() + secs; i = 0
    while time.perf_counter() < end:
        tmp, fin = f"{d}/t{t}-{i}.tmp", f"{d}/t{t}-{i}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, data); os.fsync(fd); os.close(fd)
        os.rename(tmp, fin); os.fsync(dfd); i += 1
    counts[t] = i; os.close(dfd)
start = time.perf_counter()
ts = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
[x.start() for x in ts]; [x.join() for x in ts]
el = time.perf_counter() - start
print(f"threads={threads} files={sum(counts)} seconds={el:.2f} files/s={sum(counts)/el:.1f}")
