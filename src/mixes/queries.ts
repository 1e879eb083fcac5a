import type { Db } from '../db/knex.js';
import { lockPost } from '../posts/queries.js';

/** `retired`: it contained a part that was withdrawn; its audio is gone and it cannot come back. */
export type MixStatus = 'rendering' | 'ready' | 'failed' | 'retired';

export interface MixVersionRow {
  id: number;
  post_id: number;
  number: number;
  created_by: number | null;
  status: MixStatus;
  failure_reason: string | null;
  /** Attempts the worker started on this version's master (see JOB_MAX_ATTEMPTS). */
  attempts: number;
  /** When the last attempt started (or the sweep re-sent the version). */
  attempted_at: Date | null;
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

const versionColumns = [
  'id',
  'post_id',
  'number',
  'created_by',
  'status',
  'failure_reason',
  'master_track_id',
  'loudness_lufs',
  'true_peak_db',
  'created_at',
  'rendered_at',
  'attempts',
  'attempted_at',
] as const satisfies ReadonlyArray<keyof MixVersionRow>;

const recipeColumns = ['track_id', 'contribution_id', 'role', 'musician', 'instrument', 'gain_db', 'pan', 'muted', 'offset_ms', 'withdrawn', 'position'] as const satisfies ReadonlyArray<keyof RecipeTrack>;

/** Numbers versions per post; the post row lock makes two saves take turns. */
export async function insertMixVersion(trx: Db, postId: number, createdBy: number, recipe: Omit<RecipeTrack, 'position'>[]): Promise<MixVersionRow> {
  await lockPost(trx, postId);
  const last: { n?: number | null } | undefined = await trx('mix_versions').where({ post_id: postId }).max({ n: 'number' }).first();
  const [version] = await trx<MixVersionRow>('mix_versions')
    .insert({ post_id: postId, number: (last?.n ?? 0) + 1, created_by: createdBy })
    .returning(versionColumns);
  if (!version) throw new Error('insert into mix_versions returned no row');
  await trx('mix_version_tracks').insert(recipe.map((r, position) => ({ ...r, mix_version_id: version.id, position })));
  return version;
}

export async function findMixVersion(db: Db, id: number): Promise<MixVersionRow | undefined> {
  const row: MixVersionRow | undefined = await db('mix_versions').select(versionColumns).where({ id }).first();
  return row;
}

export async function findMixVersionByNumber(db: Db, postId: number, number: number): Promise<MixVersionRow | undefined> {
  const row: MixVersionRow | undefined = await db('mix_versions').select(versionColumns).where({ post_id: postId, number }).first();
  return row;
}

export async function listRecipe(db: Db, versionId: number): Promise<RecipeTrack[]> {
  const rows: RecipeTrack[] = await db('mix_version_tracks').select(recipeColumns).where({ mix_version_id: versionId }).orderBy('position');
  return rows;
}

/** One page of a post's versions, newest first: `before` is the number of the last one shown. */
export function mixVersionsQuery(db: Db, postId: number, { before, limit }: { before?: number | undefined; limit: number }) {
  const q = db('mix_versions').select(versionColumns).where({ post_id: postId }).orderBy('number', 'desc').limit(limit);
  if (before !== undefined) q.where('number', '<', before);
  return q;
}

/** The recipes of the given versions, in one query (mix_version_tracks_version_idx). */
export function recipesQuery(db: Db, versionIds: number[]) {
  return db('mix_version_tracks')
    .select('mix_version_id', ...recipeColumns)
    .whereIn('mix_version_id', versionIds)
    .orderBy(['mix_version_id', 'position']);
}

export type VersionWithRecipe = MixVersionRow & { recipe: RecipeTrack[] };

/** A page of versions, newest first, each with its recipe; the page costs the same however long the history. */
export async function listMixVersions(db: Db, postId: number, page: { before?: number | undefined; limit: number }): Promise<VersionWithRecipe[]> {
  return withRecipes(db, await mixVersionsQuery(db, postId, page));
}

/** The versions with their recipes, in one query for all of them. */
async function withRecipes(db: Db, versions: MixVersionRow[]): Promise<VersionWithRecipe[]> {
  if (!versions.length) return [];
  const rows: Array<RecipeTrack & { mix_version_id: number }> = await recipesQuery(
    db,
    versions.map((v) => v.id),
  );
  return versions.map((v) => ({ ...v, recipe: rows.filter((r) => r.mix_version_id === v.id).map(({ mix_version_id: _id, ...r }) => r) }));
}

/** The post's versions in which `trackId` is audible, with their recipes (newest first). */
export async function listMixVersionsWithTrack(db: Db, postId: number, trackId: string): Promise<VersionWithRecipe[]> {
  const versions: MixVersionRow[] = await db('mix_versions as v')
    .select(versionColumns.map((c) => `v.${c}`))
    .where('v.post_id', postId)
    .whereExists(db('mix_version_tracks as t').select(db.raw('1')).whereRaw('t.mix_version_id = v.id').where({ 't.track_id': trackId, 't.muted': false }))
    .orderBy('v.number', 'desc');
  return withRecipes(db, versions);
}

export async function newestMixVersion(db: Db, postId: number): Promise<MixVersionRow | undefined> {
  const row: MixVersionRow | undefined = await db('mix_versions').select(versionColumns).where({ post_id: postId }).orderBy('number', 'desc').first();
  return row;
}

/** Locks a version for the rest of the transaction; true while it still waits for its master. */
export async function lockRenderingVersion(trx: Db, id: number): Promise<boolean> {
  const row: Pick<MixVersionRow, 'status'> | undefined = await trx('mix_versions').select('status').where({ id }).forUpdate().first();
  return row?.status === 'rendering';
}

/** The number of the version listeners hear now (0 for none), with the post row locked. */
export async function lockCurrentVersionNumber(trx: Db, postId: number): Promise<number> {
  const post = await lockPost(trx, postId);
  if (!post?.current_mix_version_id) return 0;
  const row: Pick<MixVersionRow, 'number'> | undefined = await trx('mix_versions').select('number').where({ id: post.current_mix_version_id }).first();
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

/** Counts a new attempt at a version still rendering; undefined when there is nothing to do. */
export async function startMixVersionAttempt(db: Db, id: number): Promise<number | undefined> {
  const [row] = await db('mix_versions')
    .where({ id, status: 'rendering' })
    .update({ attempts: db.raw('attempts + 1'), attempted_at: db.fn.now() })
    .returning('attempts');
  return (row as { attempts: number } | undefined)?.attempts;
}

/** An attempt cut short by the worker stopping does not count. */
export async function refundMixVersionAttempt(db: Db, id: number): Promise<void> {
  await db('mix_versions').where({ id, status: 'rendering' }).where('attempts', '>', 0).decrement('attempts', 1);
}

/**
 * Versions still rendering whose last attempt (or save, or re-send) is older than
 * `olderThanSeconds`: their job was lost. Each is touched as it is taken, so the next sweep
 * leaves it to the job about to be re-sent.
 */
export async function takeStaleRenderingVersions(db: Db, olderThanSeconds: number): Promise<Array<{ id: number; attempts: number }>> {
  const stale = staleRenderingVersionsQuery(db, olderThanSeconds);
  return db('mix_versions').whereIn('id', stale).update({ attempted_at: db.fn.now() }).returning(['id', 'attempts']);
}

/** Versions still rendering with no job in sight: the worker's sweep sends them again. */
export function staleRenderingVersionsQuery(db: Db, olderThanSeconds: number) {
  return db('mix_versions')
    .select('id')
    .where({ status: 'rendering' })
    .where(db.raw('coalesce(attempted_at, created_at)'), '<', db.raw('now() - make_interval(secs => ?)', [olderThanSeconds]))
    .limit(100);
}
