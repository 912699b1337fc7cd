// The AWS SDK for JavaScript v3 with its default checksum behaviour, against a Cairn endpoint.
// Driven by tests/Cairn.Clients.Tests/JsSdkTests.cs: CAIRN_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// CAIRN_BUCKET in the environment. Prints one "name value" line per fact the test asserts on.
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
const say = (name, value) => console.log(`${name} ${value}`);

await s3.send(new CreateBucketCommand({ Bucket: bucket }));

// PutObject: the SDK adds a CRC32 checksum by default (requestChecksumCalculation WHEN_SUPPORTED).
const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "plain.txt", Body: "hello from the js sdk" }));
say("put.crc32", put.ChecksumCRC32);
const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "plain.txt", ChecksumMode: "ENABLED" }));
say("get.body", JSON.stringify(await got.Body.transformToString()));
say("get.crc32", got.ChecksumCRC32);
say("get.type", got.ChecksumType);

// Multipart with a composite CRC32.
const key = "multi.bin";
const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: "CRC32" }));
const first = Buffer.alloc(5 * 1024 * 1024, "a");
const second = Buffer.from("the last part");
const parts = [];
for (const [number, body] of [[1, first], [2, second]]) {
  const part = await s3.send(new UploadPartCommand({
    Bucket: bucket, Key: key, UploadId: created.UploadId, PartNumber: number, Body: body, ChecksumAlgorithm: "CRC32",
  }));
  parts.push({ PartNumber: number, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 });
}
const completed = await s3.send(new CompleteMultipartUploadCommand({
  Bucket: bucket, Key: key, UploadId: created.UploadId, MultipartUpload: { Parts: parts },
}));
say("complete.crc32", completed.ChecksumCRC32);
say("complete.type", completed.ChecksumType);
const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
say("head.crc32", head.ChecksumCRC32);
say("head.type", head.ChecksumType);
say("head.length", head.ContentLength);

// Presigned PUT: getSignedUrl of a PutObjectCommand, then a plain fetch PUT of the body.
const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: "presigned.txt" }), { expiresIn: 300 });
say("presigned.query", [...new URL(url).searchParams.keys()].filter(k => k.startsWith("x-amz-checksum") || k.startsWith("x-amz-sdk")).join(",") || "-");
const response = await fetch(url, { method: "PUT", body: "sent through a presigned url" });
say("presigned.status", response.status);
if (response.status !== 200) say("presigned.error", JSON.stringify(await response.text()));
const back = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "presigned.txt" }));
say("presigned.body", JSON.stringify(await back.Body.transformToString()));
say("done", "ok");
