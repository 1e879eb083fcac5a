import pLimit, { type LimitFunction } from 'p-limit';
import { AudioError, reasonSentence } from '../audio/audio-error.js';
import { decodedDurationMs } from '../audio/decode.js';
import { probeAudio, type AudioProbe } from '../audio/probe.js';
import { ToolInterrupted } from '../audio/run-tool.js';
import type { Deps } from '../deps.js';
import { headObject, presignGet } from '../storage/s3.js';
import type { UploadedAudio } from '../web/upload.js';
import { UnsupportedMediaType, ValidationFailed } from '../web/errors.js';
import type { NewTrack, TrackKind } from './queries.js';

/** Shorter than this is a click or a broken export, not a part anyone can play along to. */
export const MIN_DURATION_MS = 1000;

/**
 * The checks run while the musician waits for the answer: past this the request is refused
 * rather than left silent behind the proxies' idle limits (README, Deploy → Timeouts).
 */
export const ACCEPT_CHECK_MS = 240_000;

/**
 * The checks' ffmpeg runs yield the CPU to the process's own requests (a log-in's password
 * hash, a page): under a burst of uploads the queue of checks grows, not every answer's time.
 */
const UPLOAD_CHECK_NICENESS = 5;

/** One queue per process (and per limit, for tests that build apps with different configs). */
const checkQueues = new Map<number, LimitFunction>();
function checkQueue(limit: number): LimitFunction {
  let queue = checkQueues.get(limit);
  if (!queue) checkQueues.set(limit, (queue = pLimit(limit)));
  return queue;
}

/**
 * Checks that an upload already in S3 is decodable audio (ffprobe reads it through a
 * presigned URL, so nothing is downloaded whole) and returns the row to insert for it.
 * Until the worker has made a streaming rendition, the original plays. The duration is the
 * decoded one (a second read of the file): a truncated file's header may claim more.
 */
export async function acceptUploadedAudio(audio: UploadedAudio, kind: TrackKind, { storage, config, actor }: Pick<Deps, 'storage' | 'config'> & { actor: Express.User }): Promise<NewTrack> {
  let probe: AudioProbe;
  let durationMs: number;
  try {
    const url = await presignGet(storage, audio.key);
    // A burst of uploads waits in line here rather than starting hundreds of ffmpegs at once,
    // which would starve every other request of this process (sign-ups time out).
    ({ probe, durationMs } = await checkQueue(config.uploadChecksAtOnce)(async () => {
      const tools = { ...config.audio, signal: AbortSignal.timeout(ACCEPT_CHECK_MS), niceness: UPLOAD_CHECK_NICENESS };
      const probe = await probeAudio(tools, url);
      return { probe, durationMs: await decodedDurationMs(tools, url) };
    }));
  } catch (err) {
    if (err instanceof ToolInterrupted) {
      throw new ValidationFailed({ audio: `Reading “${audio.originalName}” took too long. Upload a compressed file (MP3, AAC, FLAC) or a shorter take.` });
    }
    if (err instanceof AudioError) {
      throw new UnsupportedMediaType(`“${audio.originalName}” is not an audio file we can play: ${reasonSentence(err)} Upload MP3, WAV, FLAC, AAC/M4A or OGG.`);
    }
    throw err;
  }
  if (durationMs < MIN_DURATION_MS) {
    throw new ValidationFailed({ audio: `“${audio.originalName}” holds ${(durationMs / 1000).toFixed(1)} s of audio; a track needs at least 1 second. The file may be cut short: export it again.` });
  }
  // multer-s3 reports no size for multipart uploads (over 5 MB): ask S3 for the stored size.
  const bytes = (await headObject(storage, audio.key))?.ContentLength ?? audio.bytes;
  return {
    id: audio.trackId,
    owner_id: actor.id,
    kind,
    status: 'processing',
    original_key: audio.key,
    original_name: audio.originalName,
    original_type: audio.contentType,
    original_bytes: bytes,
    duration_ms: durationMs,
    channels: probe.channels,
    sample_rate: probe.sampleRate,
    codec: probe.codec,
  };
}
