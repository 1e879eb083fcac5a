import type { Db } from '../db/knex.js';

/** `retired`: it contained a part that was withdrawn; its audio is gone and it cannot come back. */
export type MixStatus = 'rendering' | 'ready' | 'failed' | 'retired';

export interface MixVersionRow {
  id: number;
  post_id: number;
  number: number;
  created_by: number | null;
  status: MixStatus;
  failure_reason: string | null;
  master_track_id: string | null;
  loudness_lufs: number | null;
  true_peak_db: number | null;
  created_at: Date;
  rendered_at: Date | null;
}

/** One track of a version's recipe, with names as they were when it was saved. */
export interface RecipeTrack {
  track_id: string | null;
  contribution_id: number | null;
  role: 'author' | 'contribution';
  musician: string;
  instrument: string;
  gain_db: number;
  pan: number;
  muted: boolean;
  /** Milliseconds the track starts after (+) or before (−) the song's 0:00. */
  offset_ms: number;
  /** The part was deleted after this version was saved (track_id is then null). */
  withdrawn?: boolean;
  position: number;
}

/** Numbers versions per post; the post row lock makes two saves take turns. */
export async function insertMixVersion(trx: Db, postId: number, createdBy: number, recipe: Omit<RecipeTrack, 'position'>[]): Promise<MixVersionRow> {
  await trx('posts').where({ id: postId }).forUpdate().first('id');
  const last = await trx('mix_versions').where({ post_id: postId }).max({ n: 'number' }).first();
  const [version] = (await trx('mix_versions')
    .insert({ post_id: postId, number: (last?.n ?? 0) + 1, created_by: createdBy })
    .returning('*')) as MixVersionRow[];
  await trx('mix_version_tracks').insert(recipe.map((r, position) => ({ ...r, mix_version_id: version!.id, position })));
  return version!;
}

export async function findMixVersion(db: Db, id: number): Promise<MixVersionRow | undefined> {
  return db('mix_versions').where({ id }).first();
}

export async function findMixVersionByNumber(db: Db, postId: number, number: number): Promise<MixVersionRow | undefined> {
  return db('mix_versions').where({ post_id: postId, number }).first();
}

export async function listRecipe(db: Db, versionId: number): Promise<RecipeTrack[]> {
  return db('mix_version_tracks')
    .select('track_id', 'contribution_id', 'role', 'musician', 'instrument', 'gain_db', 'pan', 'muted', 'offset_ms', 'withdrawn', 'position')
    .where({ mix_version_id: versionId })
    .orderBy('position');
}

/** Every version of a post, newest first, each with its recipe. */
export async function listMixVersions(db: Db, postId: number): Promise<Array<MixVersionRow & { recipe: RecipeTrack[] }>> {
  const versions: MixVersionRow[] = await db('mix_versions').where({ post_id: postId }).orderBy('number', 'desc');
  if (!versions.length) return [];
  const rows: Array<RecipeTrack & { mix_version_id: number }> = await db('mix_version_tracks')
    .whereIn('mix_version_id', versions.map((v) => v.id))
    .orderBy(['mix_version_id', 'position']);
  return versions.map((v) => ({ ...v, recipe: rows.filter((r) => r.mix_version_id === v.id) }));
}

export async function newestMixVersion(db: Db, postId: number): Promise<MixVersionRow | undefined> {
  return db('mix_versions').where({ post_id: postId }).orderBy('number', 'desc').first();
}

/** Locks a version for the rest of the transaction; true while it still waits for its master. */
export async function lockRenderingVersion(trx: Db, id: number): Promise<boolean> {
  const row = await trx('mix_versions').where({ id }).forUpdate().first('status');
  return row?.status === 'rendering';
}

/** The number of the version listeners hear now (0 for none), with the post row locked. */
export async function lockCurrentVersionNumber(trx: Db, postId: number): Promise<number> {
  const row = await trx('posts as p').leftJoin('mix_versions as v', 'v.id', 'p.current_mix_version_id').where('p.id', postId).forUpdate('p').first('v.number');
  return row?.number ?? 0;
}

export async function markMixVersionReady(trx: Db, id: number, master: { trackId: string; lufs: number | null; truePeakDb: number | null }): Promise<void> {
  await trx('mix_versions').where({ id }).update({ status: 'ready', master_track_id: master.trackId, loudness_lufs: master.lufs, true_peak_db: master.truePeakDb, rendered_at: trx.fn.now(), failure_reason: null });
}

/** The version contained a part that was withdrawn: its audio is gone and it can't be restored. */
export async function retireMixVersion(trx: Db, id: number, reason: string): Promise<void> {
  await trx('mix_versions').where({ id }).update({ status: 'retired', failure_reason: reason });
}

/** Marks a track's rows in every version of the post, before its deletion clears their track_id. */
export async function markRecipeTrackWithdrawn(trx: Db, postId: number, trackId: string): Promise<void> {
  await trx('mix_version_tracks')
    .where({ track_id: trackId })
    .whereIn('mix_version_id', trx('mix_versions').select('id').where({ post_id: postId }))
    .update({ withdrawn: true });
}

/** Every master track a post's versions rendered (for deleting the song). */
export async function listMasterTrackIds(db: Db, postId: number): Promise<string[]> {
  const rows: Array<{ master_track_id: string }> = await db('mix_versions').select('master_track_id').where({ post_id: postId }).whereNotNull('master_track_id');
  return rows.map((r) => r.master_track_id);
}

export async function markMixVersionFailed(db: Db, id: number, reason: string): Promise<void> {
  await db('mix_versions').where({ id, status: 'rendering' }).update({ status: 'failed', failure_reason: reason });
}

/** Makes a ready version the one listeners hear. */
export async function setCurrentMixVersion(trx: Db, postId: number, version: { id: number; master_track_id: string }): Promise<void> {
  await trx('posts').where({ id: postId }).update({ current_mix_version_id: version.id, master_track_id: version.master_track_id, updated_at: trx.fn.now() });
}

/** Versions still rendering with no job in sight: the worker's sweep sends them again. */
export async function listStaleRenderingVersions(db: Db, olderThanSeconds: number): Promise<number[]> {
  const rows = await db('mix_versions')
    .select('id')
    .where({ status: 'rendering' })
    .where('created_at', '<', db.raw('now() - make_interval(secs => ?)', [olderThanSeconds]))
    .limit(100);
  return rows.map((r: { id: number }) => r.id);
}
