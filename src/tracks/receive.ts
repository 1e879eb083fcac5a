import type { Deps } from '../deps.js';
import { receiveAudio } from '../web/upload.js';
import { reservePendingUpload } from './pending-uploads.js';

/**
 * The audio field of a song, part or new-take form, streamed to S3 under a reserved track id;
 * `image` adds an optional picture field beside it (a song's cover art).
 */
export function receiveTrackAudio({ db, storage, config }: Pick<Deps, 'db' | 'storage' | 'config'>, { image }: { image?: { field: string; maxBytes: number } } = {}) {
  return receiveAudio(storage, { field: 'audio', maxBytes: config.maxUploadBytes, reserve: (trackId) => reservePendingUpload(db, trackId), image });
}
