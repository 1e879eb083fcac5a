import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';

/** The bucket and the client that reaches it; every part of the app talks to S3 through this. */
export interface Storage {
  client: S3Client;
  bucket: string;
}

export function createStorage(s3: Config['s3']): Storage {
  if (!s3.bucket) throw new Error('S3 bucket is not configured');
  const client = new S3Client({
    region: s3.region,
    ...(s3.endpoint ? { endpoint: s3.endpoint, forcePathStyle: true } : {}),
    ...(s3.credentials ? { credentials: s3.credentials } : {}),
    // s3rver and some S3-compatible servers do not speak the newer default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return { client, bucket: s3.bucket };
}

export async function putObject(storage: Storage, key: string, body: Buffer | string | Readable, contentType: string, contentLength?: number) {
  await storage.client.send(
    new PutObjectCommand({ Bucket: storage.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: contentLength }),
  );
}

export async function getObject(storage: Storage, key: string, range?: string) {
  return storage.client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: key, Range: range }));
}

export async function headObject(storage: Storage, key: string) {
  try {
    return await storage.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key }));
  } catch (err) {
    if ((err as { name?: string }).name === 'NotFound' || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw err;
  }
}

/** Deletes every object under a prefix (a track's folder); missing objects are fine. */
export async function deletePrefix(storage: Storage, prefix: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await storage.client.send(
      new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length) {
      await storage.client.send(new DeleteObjectsCommand({ Bucket: storage.bucket, Delete: { Objects: keys, Quiet: true } }));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** A short-lived GET URL: ffprobe reads uploads through it without downloading them whole. */
export function presignGet(storage: Storage, key: string, expiresIn = 300): Promise<string> {
  return getSignedUrl(storage.client, new GetObjectCommand({ Bucket: storage.bucket, Key: key }), { expiresIn });
}

export async function checkBucket(storage: Storage): Promise<void> {
  await storage.client.send(new HeadBucketCommand({ Bucket: storage.bucket }));
}
