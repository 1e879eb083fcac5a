import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { hashPassword } from '../auth/password.js';
import { createComment } from '../comments/create.js';
import { commentSchema } from '../comments/schemas.js';
import { createContribution } from '../contributions/create.js';
import { setContributionLiked } from '../contributions/like-queries.js';
import type { ContributionRow } from '../contributions/queries.js';
import type { Deps } from '../deps.js';
import { createWorkDir } from '../jobs/work-dir.js';
import { saveMix } from '../mixes/save.js';
import { findMixVersion } from '../mixes/queries.js';
import { notifyComment, notifyFollowed, notifyPartLiked, notifySongLiked } from '../notifications/rules.js';
import { createPost } from '../posts/create.js';
import { setPostLiked } from '../posts/like-queries.js';
import { findPostById, type PostSummary } from '../posts/queries.js';
import { postSchema } from '../posts/schemas.js';
import { originalKey } from '../storage/keys.js';
import { putObject } from '../storage/s3.js';
import { reservePendingUpload } from '../tracks/pending-uploads.js';
import { findTrackById } from '../tracks/queries.js';
import { markEmailVerified } from '../users/email-queries.js';
import { isFollowing, setFollowing } from '../users/follow-queries.js';
import { updateNicknameAndBio } from '../users/profile-queries.js';
import { findUserByNickname, insertUser } from '../users/queries.js';
import type { UploadedAudio } from '../web/upload.js';
import { FOLLOWS, MUSICIANS, SEED_EMAIL_DOMAIN, SONGS, type SeedSong } from './cast.js';
import { encodeFlac } from './render.js';
import { synthesizePart, type SongPlan } from './synth.js';

export interface SeedOptions {
  /** How many of the cast's songs (from the first). */
  songs: number;
  /** Bars of each song: 8 bars are 16–27 s at the cast's tempos. */
  bars: number;
  /** At most this many of each song's parts (all by default). */
  partsPerSong?: number;
  /** Longest wait for the worker to process every track and render every master. */
  timeoutMs: number;
  /** Told each step as it is done ("Harbour Lights: master ready"). */
  progress?: (message: string) => void;
}

export interface SeedReport {
  /** Songs made by this run, and the ones an earlier run had made (left as they are). */
  created: string[];
  skipped: string[];
  /** The password of the musicians made by this run (undefined when all existed). */
  password: string | undefined;
}

type SeedDeps = Pick<Deps, 'db' | 'storage' | 'config' | 'jobs' | 'log'>;
type Actor = Express.User;

/**
 * Fills the site with musicians and songs through the same rules the forms call: the audio
 * is synthesized, uploaded to the bucket, checked, processed by the worker (streams, peaks,
 * loudness, tempo and key, alignment), mixed by the song's author and rendered into a master;
 * then comments, likes and follows. A song already made by an earlier run is left alone, so
 * running it again only finishes what is missing.
 */
export async function seedSite(options: SeedOptions, deps: SeedDeps): Promise<SeedReport> {
  const { db, log } = deps;
  const { musicians, password } = await ensureMusicians(db, log);
  const songs = SONGS.slice(0, options.songs).map((s) => ({ ...s, parts: s.parts.slice(0, options.partsPerSong ?? s.parts.length) }));
  const report: SeedReport = { created: [], skipped: [], password };
  const dir = await createWorkDir('track');
  try {
    return await seedSongs(songs, options, deps, { musicians, dir, report });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function seedSongs(songs: SeedSong[], options: SeedOptions, deps: SeedDeps, { musicians, dir, report }: { musicians: Map<string, Actor>; dir: string; report: SeedReport }): Promise<SeedReport> {
  const { db, log } = deps;
  const deadline = Date.now() + options.timeoutMs;

  // Every author track first, so the worker processes them while the parts are drawn.
  const started: Array<{ song: SeedSong; post: PostSummary; plan: SongPlan }> = [];
  for (const song of songs) {
    const author = musicians.get(song.by)!;
    if (await findSongBy(db, author.id, song.title)) {
      report.skipped.push(song.title);
      continue;
    }
    const plan = { ...song.plan, bars: options.bars };
    const audio = await upload(deps, await encodeFlac(deps.config.audio, synthesizePart(plan, song.sound), dir, randomUUID()), `${song.title} (${song.instrument}).flac`);
    const post = postSchema.parse({ title: song.title, description: song.description, genre: song.genre, instrument: song.instrument, bpm: String(song.plan.bpm), key: song.key, lookingFor: song.parts.map((p) => p.instrument) });
    const row = await createPost({ post, audio }, { ...deps, actor: author });
    started.push({ song, post: (await findPostById(db, row.id))!, plan });
    options.progress?.(`${song.title}: author track posted by ${song.by}`);
  }
  // A part's alignment reads its song's processed author track.
  await waitForTracks(deps, started.map((s) => s.post.author_track_id), deadline);

  const parts = new Map<number, ContributionRow[]>();
  for (const { song, post, plan } of started) {
    const rows: ContributionRow[] = [];
    for (const part of song.parts) {
      const file = await encodeFlac(deps.config.audio, synthesizePart(plan, part.sound), dir, randomUUID());
      const audio = await upload(deps, file, `${part.instrument} for ${song.title}.flac`);
      rows.push(await createContribution(post, { part: { instrument: part.instrument, note: part.note }, audio }, { ...deps, actor: musicians.get(part.by)! }));
    }
    parts.set(post.id, rows);
    options.progress?.(`${song.title}: ${rows.length} parts added`);
  }
  await waitForTracks(deps, [...parts.values()].flat().map((c) => c.track_id), deadline);

  // The author mixes every part in (the parts were drawn on one grid: no offset) and saves.
  const versions: number[] = [];
  for (const { song, post } of started) {
    const fresh = (await findPostById(db, post.id))!;
    const tracks = [
      { trackId: fresh.author_track_id, gainDb: 0, pan: 0, muted: false, offsetMs: 0 },
      ...parts.get(post.id)!.map((c, i) => ({ trackId: c.track_id, gainDb: song.parts[i]!.gainDb, pan: song.parts[i]!.pan, muted: false, included: true, offsetMs: 0 })),
    ];
    versions.push((await saveMix(fresh, { tracks }, { ...deps, actor: musicians.get(song.by)! })).id);
  }
  if (versions.length) options.progress?.('mixes saved; the worker renders the masters');
  await waitForMasters(deps, versions, deadline);

  for (const { song, post } of started) {
    await socialise(deps, musicians, song, (await findPostById(db, post.id))!, parts.get(post.id)!);
    report.created.push(song.title);
  }
  for (const [follower, followed] of FOLLOWS) {
    const [a, b] = [musicians.get(follower)!, musicians.get(followed)!];
    if (await isFollowing(db, a.id, b.id)) continue;
    await setFollowing(db, a.id, b.id, true);
    await notifyFollowed(db, { followerId: a.id, followedId: b.id }).catch((err: unknown) => log.warn({ err }, 'seed: follow not notified'));
  }
  return report;
}

/** The cast's accounts: confirmed, with their bio; made now when missing, all with one new password. */
async function ensureMusicians(db: Deps['db'], log: Logger): Promise<{ musicians: Map<string, Actor>; password: string | undefined }> {
  const musicians = new Map<string, Actor>();
  let password: string | undefined;
  let passwordHash: string | undefined;
  for (const m of MUSICIANS) {
    let user = await findUserByNickname(db, m.nickname);
    if (!user) {
      password ??= randomUUID().slice(0, 13);
      passwordHash ??= await hashPassword(password);
      const email = `${m.nickname.replace(/_/g, '.')}@${SEED_EMAIL_DOMAIN}`;
      user = await insertUser(db, { email, nickname: m.nickname, passwordHash });
      await markEmailVerified(db, user.id, email);
      await updateNicknameAndBio(db, user.id, { nickname: m.nickname, bio: m.bio });
      log.info({ nickname: m.nickname }, 'seed: musician made');
    }
    musicians.set(m.nickname, { id: user.id, nickname: user.nickname, email: user.email, verified: true });
  }
  return { musicians, password };
}

async function findSongBy(db: Deps['db'], authorId: number, title: string): Promise<boolean> {
  return Boolean(await db('posts').where({ author_id: authorId, title }).first('id'));
}

/** A file put in the bucket the way an upload lands there: a reserved track id, then the object. */
async function upload({ db, storage }: SeedDeps, file: string, name: string): Promise<UploadedAudio> {
  const trackId = randomUUID();
  const key = originalKey(trackId, name);
  const body = await readFile(file);
  await reservePendingUpload(db, trackId);
  await putObject(storage, key, body, 'audio/flac', body.length);
  return { trackId, key, originalName: name, contentType: 'audio/flac', bytes: body.length };
}

async function waitForTracks({ db }: SeedDeps, ids: string[], deadline: number): Promise<void> {
  for (const id of ids) {
    for (;;) {
      const track = await findTrackById(db, id);
      if (track?.status === 'ready') break;
      if (track?.status === 'failed') throw new Error(`seed: the worker refused track ${id}: ${track.failure_reason}`);
      if (Date.now() > deadline) throw new Error(`seed: track ${id} is still processing; is a worker running?`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

async function waitForMasters({ db }: SeedDeps, versionIds: number[], deadline: number): Promise<void> {
  for (const id of versionIds) {
    for (;;) {
      const version = await findMixVersion(db, id);
      if (version?.status === 'ready') break;
      if (version && version.status !== 'rendering') throw new Error(`seed: master ${id} ended ${version.status}: ${version.failure_reason}`);
      if (Date.now() > deadline) throw new Error(`seed: master ${id} is still rendering; is a worker running?`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** Comments (some at a moment of the song), likes of the song and of every part. */
async function socialise({ db, log }: SeedDeps, musicians: Map<string, Actor>, song: SeedSong, post: PostSummary, parts: ContributionRow[]) {
  const beatMs = 60_000 / song.plan.bpm;
  for (const c of song.comments) {
    const actor = musicians.get(c.by)!;
    const input = commentSchema.parse({ body: c.body, at: c.atBeat !== undefined ? String(((c.atBeat * beatMs) / 1000).toFixed(1)) : '' });
    const created = await createComment(post, input, { db, actor });
    await notifyComment(db, { commentId: created.comment.id, postId: post.id, contributionId: null, parentAuthorId: created.audience.repliedToAuthorId, actorId: actor.id }).catch((err: unknown) =>
      log.warn({ err }, 'seed: comment not notified'),
    );
  }
  for (const nickname of song.likedBy) {
    const actor = musicians.get(nickname)!;
    await setPostLiked(db, actor.id, post.id, true);
    await notifySongLiked(db, { postId: post.id, actorId: actor.id }).catch((err: unknown) => log.warn({ err }, 'seed: like not notified'));
  }
  // The author likes every part they mixed in.
  const author = musicians.get(song.by)!;
  for (const part of parts) {
    await setContributionLiked(db, author.id, part.id, true);
    await notifyPartLiked(db, { contributionId: part.id, actorId: author.id }).catch((err: unknown) => log.warn({ err }, 'seed: part like not notified'));
  }
}
