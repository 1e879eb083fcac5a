import type { Db } from '../db/knex.js';

export type TrackKind = 'author' | 'contribution' | 'master';
export type TrackStatus = 'processing' | 'ready' | 'failed';

export interface TrackRow {
  id: string;
  owner_id: number;
  kind: TrackKind;
  status: TrackStatus;
  failure_reason: string | null;
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
  'created_at',
] as const satisfies ReadonlyArray<keyof TrackRow>;

export async function insertTrack(db: Db, track: NewTrack): Promise<TrackRow> {
  const [row] = await db<TrackRow>('tracks').insert(track).returning(trackColumns);
  if (!row) throw new Error('insert into tracks returned no row');
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

/** Tracks still processing with no job in sight (a lost enqueue): the worker re-sends them. */
export function staleProcessingTracksQuery(db: Db, olderThanSeconds: number) {
  return db('tracks')
    .select('id')
    .where({ status: 'processing' })
    .where('updated_at', '<', db.raw(`now() - make_interval(secs => ?)`, [olderThanSeconds]))
    .limit(100);
}

export async function listStaleProcessingTracks(db: Db, olderThanSeconds: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await staleProcessingTracksQuery(db, olderThanSeconds);
  return rows.map((r) => r.id);
}

export async function deleteTrackRow(db: Db, id: string): Promise<void> {
  await db('tracks').where({ id }).delete();
}
