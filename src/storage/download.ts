import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getObject, type Storage } from './s3.js';

/** Copies an object to a local (temporary) file for the worker's ffmpeg passes; `signal` cuts it short. */
export async function downloadToFile(storage: Storage, key: string, path: string, { signal }: { signal?: AbortSignal | undefined } = {}): Promise<void> {
  signal?.throwIfAborted();
  const object = await getObject(storage, key);
  await pipeline(object.Body as Readable, createWriteStream(path), { signal });
}
