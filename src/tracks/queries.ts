import type { Db } from '../db/knex.js';
import { settlePendingUpload } from './pending-uploads.js';

export type TrackKind = 'author' | 'contribution' | 'master';
export type TrackStatus = 'processing' | 'ready' | 'failed';

export interface TrackRow {
  id: string;
  owner_id: number;
  kind: TrackKind;
  status: TrackStatus;
  failure_reason: string | null;
  /** Attempts the worker started on this track (see JOB_MAX_ATTEMPTS). */
  attempts: number;
  original_key: string;
  original_name: string;
  original_type: string;
  original_bytes: number;
  stream_key: string | null;
  stream_type: string | null;
  stream_bytes: number | null;
  peaks_key: string | null;
  duration_ms: number | null;
  channels: number | null;
  sample_rate: number | null;
  codec: string | null;
  loudness_lufs: number | null;
  true_peak_db: number | null;
  clipped_seconds: number | null;
  warnings: TrackWarning[];
  processed_at: Date | null;
  created_at: Date;
}

/** A problem with an upload that its musician should hear about ("clipped for 0.4 s at 1:02"). */
export interface TrackWarning {
  code: string;
  message: string;
}

export type NewTrack = Pick<
  TrackRow,
  'id' | 'owner_id' | 'kind' | 'status' | 'original_key' | 'original_name' | 'original_type' | 'original_bytes' | 'duration_ms' | 'channels' | 'sample_rate' | 'codec'
> &
  Partial<Pick<TrackRow, 'stream_key' | 'stream_type' | 'stream_bytes' | 'peaks_key' | 'loudness_lufs' | 'true_peak_db' | 'processed_at'>>;

export const trackColumns = [
  'id',
  'owner_id',
  'kind',
  'status',
  'failure_reason',
  'original_key',
  'original_name',
  'original_type',
  'original_bytes',
  'stream_key',
  'stream_type',
  'stream_bytes',
  'peaks_key',
  'duration_ms',
  'channels',
  'sample_rate',
  'codec',
  'loudness_lufs',
  'true_peak_db',
  'clipped_seconds',
  'warnings',
  'processed_at',
  'attempts',
  'created_at',
] as const satisfies ReadonlyArray<keyof TrackRow>;

/** Inserts the row of an upload (or a rendered master) and settles its pending upload. */
export async function insertTrack(db: Db, track: NewTrack): Promise<TrackRow> {
  const [row] = await db<TrackRow>('tracks').insert(track).returning(trackColumns);
  if (!row) throw new Error('insert into tracks returned no row');
  await settlePendingUpload(db, track.id);
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

export async function findTrackById(db: Db, id: string): Promise<TrackRow | undefined> {
  // Not a uuid → no such track (and no SQL error from PostgreSQL's uuid parser).
  if (!isUuid(id)) return undefined;
  const row: TrackRow | undefined = await db('tracks').select(trackColumns).where({ id }).first();
  return row;
}

export async function updateTrack(db: Db, id: string, changes: Partial<Omit<TrackRow, 'id' | 'created_at'>>): Promise<void> {
  const { warnings, ...rest } = changes;
  await db('tracks')
    .where({ id })
    .update({ ...rest, ...(warnings ? { warnings: JSON.stringify(warnings) } : {}), updated_at: db.fn.now() });
}

/**
 * Counts a new attempt at a track that still waits for processing and returns its number;
 * undefined when there is nothing to do (ready, failed or deleted meanwhile).
 */
export async function startTrackAttempt(db: Db, id: string): Promise<number | undefined> {
  const [row] = await db('tracks')
    .where({ id, status: 'processing' })
    .update({ attempts: db.raw('attempts + 1'), updated_at: db.fn.now() })
    .returning('attempts');
  return (row as { attempts: number } | undefined)?.attempts;
}

/** An attempt cut short by the worker stopping is not the file's fault: it does not count. */
export async function refundTrackAttempt(db: Db, id: string): Promise<void> {
  await db('tracks').where({ id, status: 'processing' }).where('attempts', '>', 0).decrement('attempts', 1);
}

/** Ends a track still processing as `failed` with the reason its musician reads. */
export async function markTrackFailed(db: Db, id: string, reason: string): Promise<void> {
  await db('tracks').where({ id, status: 'processing' }).update({ status: 'failed', failure_reason: reason, updated_at: db.fn.now() });
}

/**
 * Tracks still processing whose last attempt (or upload, or re-send) is older than
 * `olderThanSeconds`: their job was lost. Each is touched as it is taken, so the next sweep
 * leaves it to the job about to be re-sent.
 */
export async function takeStaleProcessingTracks(db: Db, olderThanSeconds: number): Promise<Array<{ id: string; attempts: number }>> {
  const stale = staleProcessingTracksQuery(db, olderThanSeconds);
  return db('tracks').whereIn('id', stale).update({ updated_at: db.fn.now() }).returning(['id', 'attempts']);
}

/** Tracks still processing with no job in sight (a lost attempt or enqueue): the sweep re-sends them. */
export function staleProcessingTracksQuery(db: Db, olderThanSeconds: number) {
  return db('tracks')
    .select('id')
    .where({ status: 'processing' })
    .where('updated_at', '<', db.raw(`now() - make_interval(secs => ?)`, [olderThanSeconds]))
    .limit(100);
}

export async function deleteTrackRow(db: Db, id: string): Promise<void> {
  await db('tracks').where({ id }).delete();
}

/** The tracks a musician still owns (after their songs and parts are gone: stray uploads). */
export async function listTrackIdsOfOwner(db: Db, ownerId: number): Promise<string[]> {
  return db('tracks').where({ owner_id: ownerId }).orderBy('id').pluck('id');
}
