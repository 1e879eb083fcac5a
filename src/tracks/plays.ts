import { createHash, createHmac } from 'node:crypto';
import type { Request } from 'express';
import type { Db } from '../db/knex.js';

/** Streaming this long counts as a play (or the whole track, when it is shorter). */
export const PLAY_SECONDS = 30;

/**
 * Who is listening, as a short opaque key. A signed-in musician is their user id. A visitor is
 * a hash of IP and user agent with a salt that changes every day (derived from the session
 * secret): one visitor is the same listener within the hour that matters, their raw IP is
 * never stored, and yesterday's rows cannot be matched to today's (nor the IPv4 space be
 * hashed through to find someone) without the secret.
 */
export function listenerKey(req: Request, secret: string, now = new Date()): string {
  if (req.user) return `u:${req.user.id}`;
  const daySalt = createHmac('sha256', secret).update(`plays:${now.toISOString().slice(0, 10)}`).digest();
  return `v:${createHash('sha256').update(daySalt).update(`${req.ip ?? ''}\n${req.get('user-agent') ?? ''}`).digest('base64url').slice(0, 32)}`;
}

/**
 * The bytes that hold PLAY_SECONDS of this rendition: the stream rendition is a constant bit
 * rate, so bytes are proportional to time; a track shorter than that needs all its bytes.
 */
export function playThresholdBytes(sizeBytes: number, durationMs: number | null): number | undefined {
  if (!durationMs || durationMs <= 0 || sizeBytes <= 0) return undefined;
  return durationMs <= PLAY_SECONDS * 1000 ? sizeBytes : Math.ceil((sizeBytes * PLAY_SECONDS * 1000) / durationMs);
}

/**
 * Adds the bytes one response really sent to this listener's running total for the track in
 * the current clock hour, and counts a play the first time that total reaches the threshold.
 *
 * Why bytes sent, summed: a browser's <audio> fetches a track as several Range requests (a
 * first `bytes=0-` it aborts after the header, a look at the end for tags or the duration,
 * then `bytes=N-` after a seek or a stall), and any one of them can be cut short. Neither a
 * single request's offsets nor "reached the end" says how much was heard; the sum of what
 * every response delivered does, whatever order the ranges came in. Bytes a seek back fetches
 * again were streamed again, so they count. The `counted` flag flips once per row (the
 * UPDATE … WHERE NOT counted is the guard), in the same transaction as the play count, so
 * concurrent responses count one play.
 */
export async function recordStreamedBytes(
  db: Db,
  listen: { listener: string; trackId: string; bytes: number; thresholdBytes: number },
  onPlay: (trx: Db, trackId: string) => Promise<void>,
): Promise<boolean> {
  if (listen.bytes <= 0) return false;
  return db.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: Array<{ bytes: number; counted: boolean }> }>(
      `insert into plays_pending (listener, track_id, hour, bytes) values (?, ?, date_trunc('hour', now()), ?)
       on conflict (listener, track_id, hour) do update set bytes = plays_pending.bytes + excluded.bytes
       returning bytes, counted`,
      [listen.listener, listen.trackId, listen.bytes],
    );
    const row = rows[0];
    if (!row || row.counted || row.bytes < listen.thresholdBytes) return false;
    const flipped = await trx('plays_pending')
      .where({ listener: listen.listener, track_id: listen.trackId, counted: false })
      .where('hour', trx.raw(`date_trunc('hour', now())`))
      .update({ counted: true });
    if (!flipped) return false;
    await onPlay(trx, listen.trackId);
    return true;
  });
}

/** Rows of hours gone by are never read again. */
export async function sweepOldPlays(db: Db): Promise<number> {
  return db('plays_pending').where('hour', '<', db.raw(`date_trunc('hour', now()) - interval '1 hour'`)).delete();
}
