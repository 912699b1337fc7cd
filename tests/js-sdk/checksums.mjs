// The AWS SDK for JavaScript v3 with its default checksum behaviour (requestChecksumCalculation WHEN_SUPPORTED, CRC32),
// against a Cairn endpoint. Driven by tests/Cairn.Clients.Tests/JsSdkTests.cs, which sets CAIRN_ENDPOINT, CAIRN_BUCKET,
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and asserts on the printed JSON document; any SDK error exits non-zero.
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const bucket = process.env.CAIRN_BUCKET;
const s3 = new S3Client({
  endpoint: process.env.CAIRN_ENDPOINT,
  region: "us-east-1",
  forcePathStyle: true,
  maxAttempts: 1,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
});
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

// Presigned PUT: getSignedUrl of a PutObjectCommand (the SDK signs a CRC32 of the empty body into the query),
// then a plain fetch PUT of the real body.
const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: "presigned.txt" }), { expiresIn: 300 });
const response = await fetch(url, { method: "PUT", body: "sent through a presigned url" });
seen.presigned = {
  queryChecksums: [...new URL(url).searchParams.keys()].filter(k => k.startsWith("x-amz-checksum") || k.startsWith("x-amz-sdk-checksum")),
  status: response.status,
  error: response.status === 200 ? null : await response.text(),
};
if (response.status === 200) {
  const back = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "presigned.txt" }));
  seen.presigned.body = await back.Body.transformToString();
}

console.log(JSON.stringify(seen));
