import { randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { Knex } from 'knex';
import { uniq } from './factories.js';

// Rows written straight into a test file's own database, for tests about lists and pages
// (home, genre, instrument, profile): seconds for dozens of posts, where the HTTP factories
// (test/factories.ts) would upload and probe a file per post. A tested behaviour (posting,
// contributing, mixing) goes through HTTP instead. Every value is unique unless given, and
// a missing parent (author, track, post) is created on the way.
//
// Only columns every version of the schema has are written; the rest take their defaults.

export const FACTORY_PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;

export interface UserRow {
  id: number;
  email: string;
  nickname: string;
}

/** A musician who can also log in through the form, with FACTORY_PASSWORD; verified unless told. */
export async function insertUser(db: Knex, fields: Partial<{ nickname: string; email: string; bio: string; createdAt: Date; verified: boolean }> = {}): Promise<UserRow> {
  const nickname = fields.nickname ?? uniq('musician');
  const [row] = await db('users')
    .insert({
      email: fields.email ?? `${nickname.toLowerCase()}@example.test`,
      nickname,
      password_hash: await (passwordHash ??= argon2.hash(FACTORY_PASSWORD, { type: argon2.argon2id })),
      bio: fields.bio ?? '',
      verified: fields.verified ?? true,
      ...(fields.createdAt ? { created_at: fields.createdAt } : {}),
    })
    .returning(['id', 'email', 'nickname']);
  return row as UserRow;
}

export interface TrackFields {
  ownerId: number;
  kind: 'author' | 'contribution' | 'master';
  status: 'processing' | 'ready' | 'failed';
  durationMs: number;
}

/**
 * A track row as the worker leaves a processed upload (status `ready` unless told). Its
 * objects are not written: list pages only read the row.
 */
export async function insertTrack(db: Knex, fields: Partial<TrackFields> = {}): Promise<{ id: string; owner_id: number }> {
  const ownerId = fields.ownerId ?? (await insertUser(db)).id;
  const id = randomUUID();
  const status = fields.status ?? 'ready';
  const [row] = await db('tracks')
    .insert({
      id,
      owner_id: ownerId,
      kind: fields.kind ?? 'author',
      status,
      original_key: `tracks/${id}/original.mp3`,
      original_name: 'take.mp3',
      original_type: 'audio/mpeg',
      original_bytes: 48_000,
      duration_ms: fields.durationMs ?? 3000,
      channels: 2,
      sample_rate: 44100,
      codec: 'mp3',
      ...(status === 'ready' ? { stream_key: `tracks/${id}/stream.m4a`, stream_type: 'audio/mp4', stream_bytes: 40_000, peaks_key: `tracks/${id}/peaks.json` } : {}),
    })
    .returning(['id', 'owner_id']);
  return row as { id: string; owner_id: number };
}

export interface PostFields {
  authorId: number;
  title: string;
  description: string;
  /** Slugs from the seeded lists (migrations), e.g. `rock`, `guitar`. */
  genre: string;
  instrument: string;
  createdAt: Date;
}

export interface InsertedPost {
  id: number;
  title: string;
  author_id: number;
  author_track_id: string;
  created_at: Date;
}

export async function insertPost(db: Knex, fields: Partial<PostFields> = {}): Promise<InsertedPost> {
  const authorId = fields.authorId ?? (await insertUser(db)).id;
  const track = await insertTrack(db, { ownerId: authorId, kind: 'author' });
  const [row] = await db('posts')
    .insert({
      author_id: authorId,
      title: fields.title ?? uniq('Song '),
      description: fields.description ?? '',
      genre_id: await idOf(db, 'genres', fields.genre ?? 'rock'),
      instrument_id: await idOf(db, 'instruments', fields.instrument ?? 'guitar'),
      author_track_id: track.id,
      ...(fields.createdAt ? { created_at: fields.createdAt } : {}),
    })
    .returning(['id', 'title', 'author_id', 'author_track_id', 'created_at']);
  return row as InsertedPost;
}

/**
 * `count` posts one millisecond apart, the newest now, returned newest first (as pages
 * show them): newer than any post made before, older than any made after.
 */
export async function insertPosts(db: Knex, count: number, fields: Partial<Omit<PostFields, 'createdAt'>> & { titlePrefix?: string } = {}): Promise<InsertedPost[]> {
  const { titlePrefix = uniq('Song '), ...rest } = fields;
  const newest = Date.now();
  const posts: InsertedPost[] = [];
  for (let i = 0; i < count; i++) {
    posts.push(await insertPost(db, { ...rest, title: `${titlePrefix} ${i}`, createdAt: new Date(newest - (count - 1 - i)) }));
  }
  return posts.reverse();
}

export interface ContributionFields {
  postId: number;
  contributorId: number;
  instrument: string;
  note: string;
  included: boolean;
}

/** A part on a post (counted on the post, as the app does), with its ready track. */
export async function insertContribution(db: Knex, fields: Partial<ContributionFields> = {}): Promise<{ id: number; post_id: number; contributor_id: number; track_id: string }> {
  const postId = fields.postId ?? (await insertPost(db)).id;
  const contributorId = fields.contributorId ?? (await insertUser(db)).id;
  const track = await insertTrack(db, { ownerId: contributorId, kind: 'contribution' });
  const [row] = await db('contributions')
    .insert({
      post_id: postId,
      contributor_id: contributorId,
      track_id: track.id,
      instrument_id: await idOf(db, 'instruments', fields.instrument ?? 'bass'),
      note: fields.note ?? '',
      included: fields.included ?? false,
    })
    .returning(['id', 'post_id', 'contributor_id', 'track_id']);
  await db('posts').where({ id: postId }).increment('contributions_count', 1);
  return row as { id: number; post_id: number; contributor_id: number; track_id: string };
}

async function idOf(db: Knex, table: 'genres' | 'instruments', slug: string): Promise<number> {
  const row = await db(table).where({ slug }).first('id');
  if (!row) throw new Error(`no ${table} row with slug "${slug}" (the seeded slugs are in migrations/)`);
  return row.id as number;
}

export interface RecipeFields {
  trackId: string;
  contributionId?: number;
  role: 'author' | 'contribution';
  musician: string;
  instrument: string;
  gainDb?: number;
  pan?: number;
  muted?: boolean;
}

/**
 * A rendered mix version with its recipe and master track, numbered after the post's last
 * one; `current` also makes it what listeners hear. For tests of the version history.
 */
export async function insertMixVersion(
  db: Knex,
  { postId, createdBy, recipe, current = false }: { postId: number; createdBy: number; recipe: RecipeFields[]; current?: boolean },
): Promise<{ id: number; number: number; master_track_id: string }> {
  const master = await insertTrack(db, { ownerId: createdBy, kind: 'master' });
  const last = await db('mix_versions').where({ post_id: postId }).max({ n: 'number' }).first();
  const [version] = await db('mix_versions')
    .insert({ post_id: postId, number: ((last?.n as number | null) ?? 0) + 1, created_by: createdBy, status: 'ready', master_track_id: master.id, rendered_at: new Date() })
    .returning(['id', 'number', 'master_track_id']);
  await db('mix_version_tracks').insert(
    recipe.map((r, position) => ({
      mix_version_id: version.id,
      track_id: r.trackId,
      contribution_id: r.contributionId ?? null,
      role: r.role,
      musician: r.musician,
      instrument: r.instrument,
      gain_db: r.gainDb ?? 0,
      pan: r.pan ?? 0,
      muted: r.muted ?? false,
      position,
    })),
  );
  if (current) await db('posts').where({ id: postId }).update({ current_mix_version_id: version.id, master_track_id: master.id });
  return version as { id: number; number: number; master_track_id: string };
}
