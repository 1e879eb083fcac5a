import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import { byteRange } from '../storage/range.js';
import { mediaHandoffPath, type Handoff } from '../storage/nginx-handoff.js';
import { getObject } from '../storage/s3.js';
import { cleanFileName } from '../web/clean-input.js';
import { Forbidden, NotFound, ValidationFailed } from '../web/errors.js';
import { listenerKey, playThresholdBytes, recordStreamedBytes } from './plays.js';
import { findTrackById, type TrackRow } from './queries.js';
import { readStreamReport, signStreamReport, type StreamReport } from './stream-reports.js';

/** What the app does when a stream becomes a play: the parts above move their counters (app.ts wires it). */
export interface TrackHooks {
  onPlay?: (trx: Deps['db'], trackId: string) => Promise<void>;
}

/**
 * Audio is answered at this origin rather than by a redirect to a presigned S3 URL: the bucket
 * stays private, the response is same-origin (the Web Audio mixer can decode it without bucket
 * CORS), and access checks and play counts stay in one place. Where nginx stands in front
 * (AUDIO_VIA_NGINX, the container) the app decides and nginx moves the bytes from S3
 * (X-Accel-Redirect; docs/PERFORMANCE.md, Audio); otherwise the web process streams them.
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
    const etag = `${track.id}-${ready ? 's' : 'o'}`;

    res.set({ 'Accept-Ranges': 'bytes', 'Content-Type': type, 'Cache-Control': 'private, max-age=3600', ETag: `"${etag}"` });
    if (req.fresh) return res.status(304).end();

    const range = byteRange(req.headers.range, size);
    if (range.kind === 'unsatisfiable') {
      res.set('Content-Range', `bytes */${size}`);
      return res.status(416).end();
    }
    const part = range.kind === 'part' ? { start: range.start, end: range.end } : undefined;
    const listen = req.method === 'HEAD' ? undefined : playListen(req, track, size);
    // nginx takes the status, length and range from S3's answer to the range given here.
    if (config.audioViaNginx && req.method !== 'HEAD') {
      const report = listen && signStreamReport(config.sessionSecret, { trackId: track.id, ...listen });
      return handOff(res, key, { range: part, etag, report });
    }
    if (part) res.status(206).set({ 'Content-Range': `bytes ${part.start}-${part.end}/${size}` });
    res.set('Content-Length', String(part ? part.end - part.start + 1 : size));
    if (req.method === 'HEAD') return res.end();
    const sent = listen && ((bytes: number) => countStreamed(db, hooks, req, { trackId: track.id, ...listen }, bytes));
    return sendObject(res, key, part && `bytes=${part.start}-${part.end}`, sent);
  });

  /**
   * Who is listening and how many bytes make a play, for a stream response that counts. The
   * mixer fetch()es every part whole to decode it (Sec-Fetch-Dest: empty): that is loading the
   * page, not listening, so only the player's <audio> requests (and clients that send no such
   * header) count.
   */
  function playListen(req: Request, track: TrackRow, size: number): { listener: string; thresholdBytes: number } | undefined {
    const thresholdBytes = playThresholdBytes(size, track.duration_ms);
    if (!hooks.onPlay || thresholdBytes === undefined || req.get('sec-fetch-dest') === 'empty') return undefined;
    return { listener: listenerKey(req, config.sessionSecret), thresholdBytes };
  }

  router.get('/tracks/:id/download', async (req, res) => {
    const track = await loadTrack(req.params.id);
    // res.attachment writes an RFC 6266 header with an ASCII fallback name.
    res.attachment(downloadName(track));
    res.set('Content-Type', track.original_type);
    if (config.audioViaNginx) return handOff(res, track.original_key, {});
    res.set('Content-Length', String(track.original_bytes));
    return sendObject(res, track.original_key);
  });

  router.get('/tracks/:id/peaks.json', async (req, res) => {
    const track = await loadTrack(req.params.id);
    if (!track.peaks_key) throw new NotFound('The waveform of this track is not ready yet.');
    res.set({ 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=86400, immutable' });
    return sendObject(res, track.peaks_key);
  });

  /**
   * Hands the object to nginx (X-Accel-Redirect): it fetches the signed URL from S3 and sends
   * the bytes with the headers set here (Content-Type, Cache-Control, Accept-Ranges and
   * Content-Disposition survive the redirect). No Content-Length: this answer has no body.
   */
  async function handOff(res: Response, key: string, handoff: Handoff): Promise<void> {
    res.set('X-Accel-Redirect', await mediaHandoffPath(storage, key, handoff)).end();
  }

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

/**
 * nginx's report of a stream it sent (AUDIO_VIA_NGINX; nginx.conf, @stream_report): the signed
 * note the stream route handed over, with the bytes that reached the listener. Only nginx sees
 * the note (X-Accel-Redirect never leaves the container), so the route takes no session or CSRF
 * token: app.ts mounts it before the CSRF check, as the signature is what authorises it.
 */
export function streamReportRoutes({ db, config }: Deps, hooks: TrackHooks = {}): Router {
  const router = Router();
  router.post('/tracks/stream-report', async (req, res) => {
    const token = typeof req.query.report === 'string' ? req.query.report : '';
    const report = readStreamReport(config.sessionSecret, token);
    if (!report) throw new Forbidden('This stream report is not signed by this site.');
    const bytes = Number(req.query.bytes);
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new ValidationFailed({ bytes: 'must be a whole number of bytes' });
    // Answered after the bytes are added: nginx has long finished with the listener by now.
    if (hooks.onPlay) await recordStreamedBytes(db, { ...report, bytes }, hooks.onPlay);
    res.status(200).end();
  });
  return router;
}

/** Adds what a stream response sent to the listener's total (src/tracks/plays.ts). */
function countStreamed(db: Deps['db'], hooks: TrackHooks, req: Request, listen: Omit<StreamReport, 'expires'>, bytes: number): void {
  if (!hooks.onPlay) return;
  recordStreamedBytes(db, { ...listen, bytes }, hooks.onPlay).catch((err: unknown) => req.log.warn({ err, trackId: listen.trackId }, 'play not recorded'));
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
