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
  created_at: Date;
}

export interface NewTrack {
  id: string;
  owner_id: number;
  kind: TrackKind;
  status: TrackStatus;
  original_key: string;
  original_name: string;
  original_type: string;
  original_bytes: number;
  duration_ms: number | null;
  channels: number | null;
  sample_rate: number | null;
  codec: string | null;
}

export async function insertTrack(db: Db, track: NewTrack): Promise<TrackRow> {
  const [row] = await db('tracks').insert(track).returning('*');
  return row as TrackRow;
}

export async function findTrackById(db: Db, id: string): Promise<TrackRow | undefined> {
  // Not a uuid → no such track (and no SQL error).
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return db('tracks').where({ id }).first();
}

export async function updateTrack(db: Db, id: string, changes: Partial<Omit<TrackRow, 'id' | 'created_at'>>): Promise<void> {
  await db('tracks').where({ id }).update({ ...changes, updated_at: db.fn.now() });
}
