// The AWS SDK for JavaScript v3 with its default checksum behaviour (requestChecksumCalculation WHEN_SUPPORTED, CRC32),
// against a Cairn endpoint. Driven by tests/Cairn.Clients.Tests/JsSdkTests.cs, which sets CAIRN_ENDPOINT, CAIRN_BUCKET,
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and asserts on the printed JSON document; any SDK error exits non-zero.
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import zlib from "node:zlib";

const bucket = process.env.CAIRN_BUCKET;
const clientConfig = {
  endpoint: process.env.CAIRN_ENDPOINT,
  region: "us-east-1",
  forcePathStyle: true,
  maxAttempts: 1,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
};
const s3 = new S3Client(clientConfig);
const seen = {};

await s3.send(new CreateBucketCommand({ Bucket: bucket }));

// PutObject: the SDK sends a CRC32 (as an aws-chunked trailer) without being asked to.
const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "plain.txt", Body: "hello from the js sdk" }));
const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "plain.txt", ChecksumMode: "ENABLED" }));
seen.put = { crc32: put.ChecksumCRC32, getCrc32: got.ChecksumCRC32, getType: got.ChecksumType, body: await got.Body.transformToString() };

// Multipart with a composite CRC32: two parts, then HeadObject must call the checksum COMPOSITE.
const key = "multi.bin";
const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: "CRC32" }));
const parts = [];
for (const [number, body] of [[1, Buffer.alloc(5 * 1024 * 1024, "a")], [2, Buffer.from("the last part")]]) {
  const part = await s3.send(new UploadPartCommand({
    Bucket: bucket, Key: key, UploadId: created.UploadId, PartNumber: number, Body: body, ChecksumAlgorithm: "CRC32",
  }));
  parts.push({ PartNumber: number, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 });
}
const completed = await s3.send(new CompleteMultipartUploadCommand({
  Bucket: bucket, Key: key, UploadId: created.UploadId, MultipartUpload: { Parts: parts },
}));
const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
seen.multipart = {
  partCrc32: parts.map(p => p.ChecksumCRC32),
  completeCrc32: completed.ChecksumCRC32, completeType: completed.ChecksumType,
  headCrc32: head.ChecksumCRC32, headType: head.ChecksumType, length: head.ContentLength,
};

// Presigned PUTs: getSignedUrl of a PutObjectCommand, then a plain fetch PUT of the real body.
// (a) By default the SDK signs the CRC32 of an EMPTY body into the query (aws-sdk-js-v3#6994): the real body does not
// match it, so the upload is refused with BadDigest and nothing is stored.
async function presignedPut(client, key, input, body) {
  const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key, ...input }), { expiresIn: 300 });
  const response = await fetch(url, { method: "PUT", body });
  const result = {
    queryChecksums: [...new URL(url).searchParams.keys()].filter(k => k.startsWith("x-amz-checksum") || k.startsWith("x-amz-sdk-checksum")),
    status: response.status,
    error: response.status === 200 ? null : await response.text(),
  };
  try {
    const back = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
    result.body = await back.Body.transformToString();
    result.getCrc32 = back.ChecksumCRC32 ?? null;
  } catch (e) {
    result.getError = e.name;
  }
  return result;
}

const presignedBody = "sent through a presigned url";
seen.presignedDefault = await presignedPut(s3, "presigned-default.txt", {}, presignedBody);

// (b) Presigned with the body's real CRC32: verified, stored and returned.
const crc = Buffer.alloc(4);
crc.writeUInt32BE(zlib.crc32(presignedBody));
seen.presignedCrc32 = await presignedPut(s3, "presigned-crc32.txt", { ChecksumCRC32: crc.toString("base64") }, presignedBody);

// (c) The client fix: requestChecksumCalculation WHEN_REQUIRED presigns no checksum at all.
const whenRequired = new S3Client({ ...clientConfig, requestChecksumCalculation: "WHEN_REQUIRED" });
seen.presignedWhenRequired = await presignedPut(whenRequired, "presigned-when-required.txt", {}, presignedBody);

console.log(JSON.stringify(seen));
