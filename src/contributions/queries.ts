import type { Db } from '../db/knex.js';
import type { AudioProbe } from '../audio/probe.js';
import { trackColumns, type TrackRow } from '../tracks/queries.js';
import { page, type Cursor } from '../web/pagination.js';

export interface ContributionRow {
  id: number;
  post_id: number;
  contributor_id: number;
  track_id: string;
  instrument_id: number;
  note: string;
  included: boolean;
  /** The worker's alignment against the song: 'aligned' with a proposed offset, 'unsure', or null before it ran. */
  alignment_status: 'aligned' | 'unsure' | null;
  proposed_offset_ms: number | null;
  alignment_confidence: number | null;
  likes_count: number;
  plays_count: number;
  created_at: Date;
}

/** A contribution with who played what and its track, as the post page and mixer show it. */
export interface ContributionView extends ContributionRow {
  contributor_nickname: string;
  contributor_avatar_picture_id: string | null;
  instrument_slug: string;
  instrument_name: string;
  instrument_position: number;
  track: TrackRow;
}

const contributionColumns = ['id', 'post_id', 'contributor_id', 'track_id', 'instrument_id', 'note', 'included', 'alignment_status', 'proposed_offset_ms', 'alignment_confidence', 'likes_count', 'plays_count', 'created_at'] as const satisfies ReadonlyArray<keyof ContributionRow>;

/** Inserts the part only: the caller moves the post's counter (posts/queries.ts) in the same transaction. */
export async function insertContribution(db: Db, c: Pick<ContributionRow, 'post_id' | 'contributor_id' | 'track_id' | 'instrument_id' | 'note'>): Promise<ContributionRow> {
  const [row] = await db<ContributionRow>('contributions').insert(c).returning(contributionColumns);
  if (!row) throw new Error('insert into contributions returned no row');
  return row;
}

export async function findContributionById(db: Db, id: number): Promise<ContributionRow | undefined> {
  const row: ContributionRow | undefined = await db('contributions').select(contributionColumns).where({ id }).first();
  return row;
}

export async function findContributionByTrackId(db: Db, trackId: string): Promise<ContributionRow | undefined> {
  return db('contributions').where({ track_id: trackId }).first();
}

/** The worker's alignment of a part: a proposed offset when it could tell, else 'unsure'. */
export async function recordContributionAlignment(db: Db, id: number, alignment: { status: 'aligned' | 'unsure'; offsetMs: number | null; confidence: number }): Promise<void> {
  await db('contributions').where({ id }).update({ alignment_status: alignment.status, proposed_offset_ms: alignment.offsetMs, alignment_confidence: alignment.confidence });
}

/** The contributor changes their note or instrument. */
export async function updateContributionDetails(db: Db, id: number, details: Pick<ContributionRow, 'note' | 'instrument_id'>): Promise<void> {
  await db('contributions').where({ id }).update(details);
}

/** A new take: the part points at its new track and its alignment starts over. */
export async function replaceContributionTrack(db: Db, id: number, trackId: string): Promise<void> {
  await db('contributions').where({ id }).update({ track_id: trackId, alignment_status: null, proposed_offset_ms: null, alignment_confidence: null });
}

/** The track of every part of a post (for deleting the song). */
export async function listContributionTrackIds(db: Db, postId: number): Promise<string[]> {
  const rows: Array<{ track_id: string }> = await db('contributions').select('track_id').where({ post_id: postId });
  return rows.map((r) => r.track_id);
}

export async function setContributionIncluded(db: Db, id: number, included: boolean): Promise<void> {
  await db('contributions').where({ id }).update({ included });
}

/** Deletes the part only: the caller moves the post's counter (posts/queries.ts). */
export async function deleteContributionRow(db: Db, c: ContributionRow): Promise<void> {
  await db('contributions').where({ id: c.id }).delete();
}

// The track travels as one jsonb object of its listed columns (json_build_object, not t.*).
const trackObject = `jsonb_build_object(${trackColumns.map((c) => `'${c}', t.${c}`).join(', ')})`;

const viewColumns = (db: Db) => [
  ...contributionColumns.map((c) => `c.${c}`),
  'u.nickname as contributor_nickname',
  'u.avatar_picture_id as contributor_avatar_picture_id',
  'i.slug as instrument_slug',
  'i.name as instrument_name',
  'i.position as instrument_position',
  db.raw(`${trackObject} as track`),
];

function views(db: Db) {
  return db('contributions as c')
    .join('users as u', 'u.id', 'c.contributor_id')
    .join('instruments as i', 'i.id', 'c.instrument_id')
    .join('tracks as t', 't.id', 'c.track_id')
    .select(viewColumns(db));
}

/** A post's contributions, grouped by instrument in the seeded order, oldest first. */
export function contributionsOfPostQuery(db: Db, postId: number) {
  return views(db).where('c.post_id', postId).orderBy([{ column: 'i.position' }, { column: 'c.created_at' }, { column: 'c.id' }]);
}

export async function listContributionsOfPost(db: Db, postId: number): Promise<ContributionView[]> {
  const rows: ContributionView[] = await contributionsOfPostQuery(db, postId);
  return rows.map(withDates);
}

/** How many parts are in a song's mix now. */
export async function countContributionsInMix(db: Db, postId: number): Promise<number> {
  const row = await db('contributions').where({ post_id: postId, included: true }).count<{ n: string }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** The parts in a song's mix, all of them (a mix holds at most 64 tracks), oldest first. */
export function includedContributionsOfPostQuery(db: Db, postId: number) {
  return views(db).where({ 'c.post_id': postId, 'c.included': true }).orderBy([{ column: 'c.created_at' }, { column: 'c.id' }]);
}

/**
 * A page of a song's parts outside the mix, newest first; keyset on (created_at, id). A popular
 * song has thousands of parts: the post page shows them a page at a time.
 */
export function otherContributionsOfPostQuery(db: Db, postId: number, { before, limit }: { before?: Cursor | undefined; limit: number }) {
  const q = views(db)
    .where({ 'c.post_id': postId, 'c.included': false })
    .orderBy([{ column: 'c.created_at', order: 'desc' }, { column: 'c.id', order: 'desc' }])
    .limit(limit);
  if (before) q.whereRaw('(c.created_at, c.id) < (?, ?)', [before.createdAt, before.id]);
  return q;
}

/** The parts the post page shows: every one in the mix, and a page of the others (`next`: the cursor of the page after). */
export async function listContributionsForPostPage(db: Db, postId: number, { before, limit }: { before?: Cursor | undefined; limit: number }): Promise<{ included: ContributionView[]; others: ContributionView[]; next: string | undefined }> {
  const [included, others]: ContributionView[][] = await Promise.all([includedContributionsOfPostQuery(db, postId), otherContributionsOfPostQuery(db, postId, { before, limit: limit + 1 })]);
  const { items, next } = page(others!.map(withDates), limit);
  return { included: included!.map(withDates), others: items, next };
}

/** What a musician played on other people's songs, newest first; keyset on (created_at, id). */
export function contributionsByMusicianQuery(db: Db, userId: number, { before, limit }: { before?: Cursor | undefined; limit: number }) {
  const q = views(db)
    .join('posts as p', 'p.id', 'c.post_id')
    .select('p.title as post_title')
    .where('c.contributor_id', userId)
    .orderBy([{ column: 'c.created_at', order: 'desc' }, { column: 'c.id', order: 'desc' }])
    .limit(limit);
  if (before) q.whereRaw('(c.created_at, c.id) < (?, ?)', [before.createdAt, before.id]);
  return q;
}

export type MusicianPart = ContributionView & { post_title: string };

export async function listContributionsByMusician(db: Db, userId: number, options: { before?: Cursor | undefined; limit: number }): Promise<MusicianPart[]> {
  const rows: MusicianPart[] = await contributionsByMusicianQuery(db, userId, options);
  return rows.map(withDates);
}

/** The parts a musician liked, newest like first; keyset on (liked_at, contribution id). */
export function likedContributionsQuery(db: Db, userId: number, { before, limit }: { before?: Cursor | undefined; limit: number }) {
  const q = views(db)
    .join('posts as p', 'p.id', 'c.post_id')
    .join('contribution_likes as l', 'l.contribution_id', 'c.id')
    .select('p.title as post_title', 'l.created_at as liked_at')
    .where('l.user_id', userId)
    .orderBy([{ column: 'l.created_at', order: 'desc' }, { column: 'l.contribution_id', order: 'desc' }])
    .limit(limit);
  if (before) q.whereRaw('(l.created_at, l.contribution_id) < (?, ?)', [before.createdAt, before.id]);
  return q;
}

export async function listLikedContributions(db: Db, userId: number, options: { before?: Cursor | undefined; limit: number }): Promise<Array<MusicianPart & { liked_at: Date }>> {
  const rows: Array<MusicianPart & { liked_at: Date }> = await likedContributionsQuery(db, userId, options);
  return rows.map(withDates);
}

/** The song a part was recorded against: its author track's format, for the part checks. */
export async function findSongProbeOfContributionTrack(db: Db, trackId: string): Promise<AudioProbe | undefined> {
  const song: Pick<TrackRow, 'duration_ms' | 'channels' | 'sample_rate' | 'codec'> | undefined = await db('contributions as c')
    .join('posts as p', 'p.id', 'c.post_id')
    .join('tracks as t', 't.id', 'p.author_track_id')
    .where('c.track_id', trackId)
    .first('t.duration_ms', 't.channels', 't.sample_rate', 't.codec');
  if (!song?.duration_ms || !song.sample_rate) return undefined;
  return { durationMs: song.duration_ms, channels: song.channels ?? 2, sampleRate: song.sample_rate, codec: song.codec ?? '', formatName: '', bitRate: null };
}

// jsonb turns timestamps into strings; the rest of the app expects Dates.
function withDates<T extends { track: TrackRow }>(row: T): T {
  const { created_at, processed_at } = row.track;
  return { ...row, track: { ...row.track, created_at: new Date(created_at), processed_at: processed_at === null ? null : new Date(processed_at) } };
}

/** Every part a musician played, on any song, for deleting their account. */
export async function listContributionIdsByContributor(db: Db, contributorId: number): Promise<number[]> {
  return db('contributions').where({ contributor_id: contributorId }).orderBy('id').pluck('id');
}
