import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import type { TestContext } from './context.js';

// The bucket is shared by every test file running at the same time, so a test never lists
// the whole bucket: it checks the `tracks/<id>/` folders it knows to be its own, taken from
// a row, a response, or the writes its own requests sent (`watchWrites`).

/** The ids of the track folders named by `keys` (`tracks/<id>/…`), each once. */
export function trackIdsOf(keys: readonly string[]): string[] {
  return [...new Set(keys.map((k) => /^tracks\/([^/]+)\//.exec(k)?.[1]).filter((id): id is string => Boolean(id)))];
}

/**
 * A marker in the context's record of S3 writes: what was written after it came from this
 * test's requests (test files never share a context, and a file's tests run one by one).
 */
export function watchWrites(ctx: TestContext) {
  const start = ctx.writtenKeys.length;
  const keys = () => ctx.writtenKeys.slice(start);
  return { keys, trackIds: () => trackIdsOf(keys()) };
}

/** The keys under one track's folder. */
export async function folderKeys(ctx: TestContext, trackId: string): Promise<string[]> {
  const page = await ctx.storage.client.send(new ListObjectsV2Command({ Bucket: ctx.storage.bucket, Prefix: `tracks/${trackId}/` }));
  return (page.Contents ?? []).map((o) => o.Key!);
}

/** Neither a `tracks` row nor an object is left for any of these track ids. */
export async function expectNothingStored(ctx: TestContext, trackIds: readonly string[]): Promise<void> {
  for (const id of trackIds) {
    expect(await folderKeys(ctx, id), `objects of track ${id}`).toEqual([]);
    expect(await ctx.db('tracks').where({ id }).first(), `row of track ${id}`).toBeUndefined();
  }
}
