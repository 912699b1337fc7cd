#!/usr/bin/env python3
"""Writes the signed seeds of the sigv4-request and aws-chunked-* fuzz corpora.

Signed with AWS's documented example key (AKIAIOSFODNN7EXAMPLE) at 20130524T000000Z, the clock the fuzz targets run
at, so that mutations start from requests that authenticate and reach the payload decoders. Independent of Cairn's
signer on purpose. Run from anywhere: python3 tests/fuzz/make-seeds.py
"""
import hashlib, hmac, os, urllib.parse, zlib, base64

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpora")
AK, SK, REGION = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1"
DATE, DAY = "20130524T000000Z", "20130524"
SCOPE = f"{DAY}/{REGION}/s3/aws4_request"
HOST = "examplebucket.s3.amazonaws.com"
EMPTY = hashlib.sha256(b"").hexdigest()


def key():
    k = ("AWS4" + SK).encode()
    for part in (DAY, REGION, "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def sign(text):
    return hmac.new(key(), text.encode(), hashlib.sha256).hexdigest()


def enc(s):
    return urllib.parse.quote(s, safe="-_.~")


def canonical_query(query):
    pairs = []
    for part in filter(None, query.split("&")):
        name, _, value = part.partition("=")
        pairs.append((enc(urllib.parse.unquote(name)), enc(urllib.parse.unquote(value))))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def signature(method, path, query, headers, payload_hash):
    names = sorted(h.lower() for h in headers)
    values = {h.lower(): v.strip() for h, v in headers.items()}
    canonical = "\n".join([method, path, canonical_query(query),
                           "".join(f"{n}:{values[n]}\n" for n in names), ";".join(names), payload_hash])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", DATE, SCOPE, hashlib.sha256(canonical.encode()).hexdigest()])
    return ";".join(names), sign(to_sign)


def request(method, target, headers, payload_hash, body=b""):
    path, _, query = target.partition("?")
    headers = {"Host": HOST, "x-amz-date": DATE, "x-amz-content-sha256": payload_hash, **headers}
    signed, sig = signature(method, path, query, headers, payload_hash)
    headers["Authorization"] = f"AWS4-HMAC-SHA256 Credential={AK}/{SCOPE}, SignedHeaders={signed}, Signature={sig}"
    headers["Content-Length"] = str(len(body))
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers.items()) + "\r\n"
    return head.encode() + body, sig


def presigned(method, path, extra_query=""):
    query = (f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={enc(AK + '/' + SCOPE)}&X-Amz-Date={DATE}"
             f"&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" + extra_query)
    _, sig = signature(method, path, query, {"Host": HOST}, "UNSIGNED-PAYLOAD")
    return f"{method} {path}?{query}&X-Amz-Signature={sig} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()


def chunk_signature(previous, data):
    return sign("\n".join(["AWS4-HMAC-SHA256-PAYLOAD", DATE, SCOPE, previous, EMPTY, hashlib.sha256(data).hexdigest()]))


def trailer_signature(previous, trailers):
    canonical = "".join(f"{n}:{v}\n" for n, v in sorted(trailers))
    return sign("\n".join(["AWS4-HMAC-SHA256-TRAILER", DATE, SCOPE, previous, hashlib.sha256(canonical.encode()).hexdigest()]))


def signed_chunks(seed, data, size, trailers=None):
    out, previous = b"", seed
    for i in range(0, len(data), size):
        chunk = data[i:i + size]
        previous = chunk_signature(previous, chunk)
        out += f"{len(chunk):x};chunk-signature={previous}\r\n".encode() + chunk + b"\r\n"
    previous = chunk_signature(previous, b"")
    out += f"0;chunk-signature={previous}\r\n".encode()
    if trailers is None:
        return out + b"\r\n"
    out += "".join(f"{n}:{v}\r\n" for n, v in trailers).encode()
    return out + f"x-amz-trailer-signature:{trailer_signature(previous, trailers)}\r\n\r\n".encode()


def unsigned_chunks(data, size, trailers):
    out = b""
    for i in range(0, len(data), size):
        chunk = data[i:i + size]
        out += f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    return out + b"0\r\n" + "".join(f"{n}:{v}\r\n" for n, v in trailers).encode() + b"\r\n"


def crc32(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def write(target, name, data):
    os.makedirs(os.path.join(ROOT, target), exist_ok=True)
    with open(os.path.join(ROOT, target, name), "wb") as f:
        f.write(data)


data = b"hello world, fuzzed"
trailer = [("x-amz-checksum-crc32", crc32(data))]

req, _ = request("PUT", "/examplebucket/plain.txt", {"Content-Type": "text/plain"}, hashlib.sha256(data).hexdigest(), data)
write("sigv4-request", "gen-put-sha256.http", req)
req, _ = request("PUT", "/examplebucket/unsigned.txt", {"x-amz-checksum-crc32": crc32(data)}, "UNSIGNED-PAYLOAD", data)
write("sigv4-request", "gen-put-unsigned-payload.http", req)
req, _ = request("GET", "/examplebucket?list-type=2&prefix=a%2Fb&max-keys=5&encoding-type=url", {}, EMPTY)
write("sigv4-request", "gen-list-query.http", req)

streaming = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data)),
             "x-amz-trailer": "x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm": "CRC32"}
head, seed = request("PUT", "/examplebucket/chunked.txt", streaming, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
body = signed_chunks(seed, data, 7, trailer)
write("sigv4-request", "gen-put-streaming-signed-trailer.http", head.replace(b"Content-Length: 0", f"Content-Length: {len(body)}".encode()) + body)
write("aws-chunked-signed", "signed-trailer.chunked", f"{len(data)} 1 {seed} x-amz-checksum-crc32 5\n".encode() + body)

plain = {k: v for k, v in streaming.items() if k not in ("x-amz-trailer", "x-amz-sdk-checksum-algorithm")}
head, seed = request("PUT", "/examplebucket/chunked2.txt", plain, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
body = signed_chunks(seed, data, 8)
write("sigv4-request", "gen-put-streaming-signed.http", head.replace(b"Content-Length: 0", f"Content-Length: {len(body)}".encode()) + body)
write("aws-chunked-signed", "signed.chunked", f"{len(data)} 0 {seed} - 3\n".encode() + body)

head, _ = request("PUT", "/examplebucket/chunked3.txt", streaming, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
body = unsigned_chunks(data, 6, trailer)
write("sigv4-request", "gen-put-streaming-unsigned-trailer.http", head.replace(b"Content-Length: 0", f"Content-Length: {len(body)}".encode()) + body)
write("aws-chunked-unsigned-trailer", "unsigned-trailer.chunked", f"{len(data)} 1 - x-amz-checksum-crc32 4\n".encode() + body)
write("aws-chunked-unsigned-trailer", "unsigned-two-trailers.chunked",
      f"- 1 - x-amz-checksum-crc32,x-amz-checksum-sha256 64\n".encode()
      + unsigned_chunks(data, 19, trailer + [("x-amz-checksum-sha256", base64.b64encode(hashlib.sha256(data).digest()).decode())]))
write("aws-chunked-unsigned-trailer", "unsigned-empty.chunked", b"0 1 - - 1\n0\r\n\r\n")

write("sigv4-request", "gen-presigned-get.http", presigned("GET", "/examplebucket/test.txt"))
write("sigv4-request", "gen-presigned-put-checksum.http",
      presigned("PUT", "/examplebucket/test.txt", f"&x-amz-checksum-crc32={enc(crc32(data))}&x-amz-sdk-checksum-algorithm=CRC32"))
