import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import { byteRange } from '../storage/range.js';
import { getObject } from '../storage/s3.js';
import { cleanFileName } from '../web/clean-input.js';
import { NotFound } from '../web/errors.js';
import { listenerKey, playThresholdBytes, recordStreamedBytes } from './plays.js';
import { findTrackById, type TrackRow } from './queries.js';

/** What the app does when a stream becomes a play: the parts above move their counters (app.ts wires it). */
export interface TrackHooks {
  onPlay?: (trx: Deps['db'], trackId: string) => Promise<void>;
}

/**
 * Audio goes through the app rather than as a redirect to a presigned S3 URL: the bucket
 * stays private, the response is same-origin (the Web Audio mixer can decode it without
 * bucket CORS), and access checks or play counts stay in one place. The cost is bandwidth
 * through the instances; nginx streams it unbuffered, and a CDN in front (MEDIA_ORIGIN)
 * is the step when that matters.
 */
export function trackRoutes({ db, storage, config }: Deps, hooks: TrackHooks = {}): Router {
  const router = Router();

  const loadTrack = async (id: string | undefined): Promise<TrackRow> => {
    const track = id ? await findTrackById(db, id) : undefined;
    if (!track) throw new NotFound('This track does not exist or was deleted.');
    return track;
  };

  router.get('/tracks/:id/stream', async (req, res) => {
    const track = await loadTrack(req.params.id);
    const ready = track.stream_key && track.stream_bytes !== null;
    const key = ready ? track.stream_key! : track.original_key;
    const size = ready ? track.stream_bytes! : track.original_bytes;
    const type = ready ? track.stream_type! : track.original_type;

    res.set({ 'Accept-Ranges': 'bytes', 'Content-Type': type, 'Cache-Control': 'private, max-age=3600', ETag: `"${track.id}-${ready ? 's' : 'o'}"` });
    if (req.fresh) return res.status(304).end();

    const range = byteRange(req.headers.range, size);
    if (range.kind === 'unsatisfiable') {
      res.set('Content-Range', `bytes */${size}`);
      return res.status(416).end();
    }
    if (range.kind === 'whole') {
      res.set('Content-Length', String(size));
      if (req.method === 'HEAD') return res.end();
      return sendObject(res, key, undefined, playCounter(req, track, size));
    }
    const { start, end } = range;
    res.status(206).set({ 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) });
    if (req.method === 'HEAD') return res.end();
    return sendObject(res, key, `bytes=${start}-${end}`, playCounter(req, track, size));
  });

  /**
   * Adds what a stream response sent to the listener's total (src/tracks/plays.ts). The mixer
   * fetch()es every part whole to decode it (Sec-Fetch-Dest: empty): that is loading the page,
   * not listening, so only the player's <audio> requests (and clients that send no such header) count.
   */
  function playCounter(req: Request, track: TrackRow, size: number): ((bytes: number) => void) | undefined {
    const thresholdBytes = playThresholdBytes(size, track.duration_ms);
    if (!hooks.onPlay || thresholdBytes === undefined || req.get('sec-fetch-dest') === 'empty') return undefined;
    const listener = listenerKey(req, config.sessionSecret);
    const onPlay = hooks.onPlay;
    return (bytes) => {
      recordStreamedBytes(db, { listener, trackId: track.id, bytes, thresholdBytes }, onPlay).catch((err: unknown) => req.log.warn({ err, trackId: track.id }, 'play not recorded'));
    };
  }

  router.get('/tracks/:id/download', async (req, res) => {
    const track = await loadTrack(req.params.id);
    // res.attachment writes an RFC 6266 header with an ASCII fallback name.
    res.attachment(downloadName(track));
    res.set({ 'Content-Type': track.original_type, 'Content-Length': String(track.original_bytes) });
    return sendObject(res, track.original_key);
  });

  router.get('/tracks/:id/peaks.json', async (req, res) => {
    const track = await loadTrack(req.params.id);
    if (!track.peaks_key) throw new NotFound('The waveform of this track is not ready yet.');
    res.set({ 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=86400, immutable' });
    return sendObject(res, track.peaks_key);
  });

  async function sendObject(res: Response, key: string, range?: string, sent?: (bytes: number) => void): Promise<void> {
    const object = await getObject(storage, key, range);
    const body = object.Body as Readable;
    // Bytes handed to the response; a client gone mid-stream stops the flow, so this is what it got
    // (give or take the one chunk in flight).
    let bytes = 0;
    if (sent) body.on('data', (chunk: Buffer) => (bytes += chunk.length));
    // A client that goes away mid-stream ends the pipeline; that is not an error worth a 500.
    await pipeline(body, res)
      .catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
      })
      .finally(() => sent?.(bytes));
  }

  return router;
}

/** A file name that is safe anywhere: the uploader's name without paths or control characters. */
export function downloadName(track: Pick<TrackRow, 'original_name' | 'original_key'>): string {
  const ext = track.original_key.split('.').pop() ?? 'bin';
  // Rows stored before names were cleaned on upload are cleaned here too.
  const base = cleanFileName(track.original_name)
    .replace(/\.[^.]*$/, '')
    .replace(/["\\/:*?<>|]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
  return `${base || 'track'}.${ext}`;
}
