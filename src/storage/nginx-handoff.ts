import { presignGet, type Storage } from './s3.js';

/** What nginx adds to the object's bytes; each becomes one segment of the internal path. */
export interface Handoff {
  /** The byte range to ask S3 for (`start-end`, already checked against the size); unset: all. */
  range?: { start: number; end: number } | undefined;
  /** The response's ETag (without quotes); S3's own is hidden so revalidation stays the app's. */
  etag?: string | undefined;
  /** A signed stream report (src/tracks/stream-reports.ts) nginx posts back with the bytes it sent. */
  report?: string | undefined;
}

/** The signed GET stays valid this long: nginx uses it at once, a replay later gets 403 from S3. */
const SIGNED_SECONDS = 60;

/**
 * The X-Accel-Redirect target for an object, read by nginx.conf's internal location:
 * `/_media/<range>/<etag>/<report>/<scheme>/<host><path>?<signed query>`, `-` for an unset
 * segment. nginx proxies to the presigned URL (Host as signed, Range from the first segment,
 * none of the listener's cookies), so the bytes never pass through Node. nginx matches the
 * path decoded: an object path that needs percent-encoding could not be signed the same way
 * again, so it is refused here (keys are opaque ids; src/storage/keys.ts).
 */
export async function mediaHandoffPath(storage: Storage, key: string, handoff: Handoff): Promise<string> {
  const signed = new URL(await presignGet(storage, key, SIGNED_SECONDS));
  if (!/^[A-Za-z0-9._~\-/]+$/.test(signed.pathname)) throw new Error(`object path ${signed.pathname} needs encoding; nginx cannot pass it on`);
  const segment = (value: string | undefined) => {
    if (value !== undefined && !/^[A-Za-z0-9._~-]+$/.test(value)) throw new Error(`handoff segment ${value} is not URL-safe`);
    return value ?? '-';
  };
  const range = handoff.range ? `${handoff.range.start}-${handoff.range.end}` : undefined;
  const scheme = signed.protocol.replace(':', '');
  return `/_media/${segment(range)}/${segment(handoff.etag)}/${segment(handoff.report)}/${scheme}/${signed.host}${signed.pathname}${signed.search}`;
}
