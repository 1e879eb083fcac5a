/**
 * A site the size of a busy one, loaded with COPY: for N songs, N/10 musicians, 3N parts,
 * 10N song likes and N follows (N = 1 000 000: 100 000 musicians, 3 000 000 parts, 10 000 000
 * likes, 1 000 000 follows). Who gets them is skewed as on a real site (Zipf, s = 1): a few
 * musicians post most songs and get most follows, a few songs get most parts and likes. Every
 * track row points at one of a handful of real audio objects (`seedAudio`).
 *
 *   DATABASE_URL=postgres://… SEED_SONGS=1000000 npm run bench:seed-scale
 *
 * The database must be migrated (bench/pages.ts does it) and empty of songs. Without
 * DATABASE_URL an embedded PostgreSQL is started in a temporary folder and dropped at the end
 * (which only measures the load). Prints how long each table took.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Storage } from '../src/storage/s3.js';

export interface ScaleSizes {
  songs: number;
  musicians: number;
  parts: number;
  likes: number;
  follows: number;
}

export const sizesFor = (songs: number): ScaleSizes => ({ songs, musicians: Math.max(10, Math.round(songs / 10)), parts: songs * 3, likes: songs * 10, follows: songs });

/** The audio objects every seeded track points at (keys in the bucket). */
export const SEED_AUDIO_KEYS = [0, 1, 2, 3].map((i) => `tracks/seed-audio-${i}/original.mp3`);

/** Puts the few real audio files the seeded rows point at into the bucket. */
export async function seedAudio(storage: Storage, files: string[]): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  for (const [i, key] of SEED_AUDIO_KEYS.entries()) {
    await storage.client.send(new PutObjectCommand({ Bucket: storage.bucket, Key: key, Body: await readFile(files[i % files.length]!), ContentType: 'audio/mpeg' }));
  }
}

/** A fixed-seed generator, so two runs at one size load the same site. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 1…n, rank k drawn with probability ∝ 1/k (Zipf, s = 1, by its continuous inverse). */
const zipf = (rnd: () => number, n: number) => Math.min(n, Math.floor(Math.exp(rnd() * Math.log(n + 1))));

const uuid = (kind: 'a' | 'c', n: number) => `00000000-0000-4000-${kind === 'a' ? 'a' : 'b'}000-${n.toString(16).padStart(12, '0')}`;
const ts = (msAgo: number, now: number) => new Date(now - msAgo).toISOString();

async function copy(client: pg.PoolClient, table: string, columns: string[], rows: () => Generator<string>): Promise<number> {
  const started = performance.now();
  const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
  // Lines batched into chunks of ~64 kB: one stream write per line costs more than the COPY.
  function* chunks() {
    let buf = '';
    for (const line of rows()) {
      buf += line;
      if (buf.length > 65536) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await pipeline(Readable.from(chunks()), stream);
  return (performance.now() - started) / 1000;
}

/** Loads a site of `sizes` into the (migrated, songless) database at `url`; returns seconds per step. */
export async function seedScale(url: string, sizes: ScaleSizes, log: (line: string) => void = console.log): Promise<Record<string, number>> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  const steps: Record<string, number> = {};
  const now = Date.now();
  const DAY = 86_400_000;
  const { songs, musicians, parts, likes, follows } = sizes;
  const step = async (name: string, fn: () => Promise<number | void>) => {
    const started = performance.now();
    await fn();
    steps[name] = (performance.now() - started) / 1000;
    log(`seed: ${name} ${steps[name].toFixed(1)} s`);
  };
  try {
    const [base] = (await client.query<{ users: number; posts: number }>('select (select coalesce(max(id), 0) from users)::int as users, (select count(*) from posts)::int as posts')).rows;
    if (base!.posts > 0) throw new Error(`the database already has ${base!.posts} songs: seed-scale loads an empty site`);
    const u0 = base!.users; // accounts made before (the bench's own) keep their ids
    const taxonomy = async (table: string) => (await client.query<{ id: number }>(`select id from ${table} order by position`)).rows.map((r) => r.id);
    const genres = await taxonomy('genres');
    const instruments = await taxonomy('instruments');
    await client.query('begin');
    // Secondary indexes are built once after the load, not row by row during it (10N likes
    // through three indexes took minutes more); the primary keys stay and check uniqueness.
    const dropped = (
      await client.query<{ indexname: string; indexdef: string }>(
        `select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = any($1)
         and indexname not in (select conname from pg_constraint)`,
        [['users', 'tracks', 'posts', 'contributions', 'post_likes', 'follows']],
      )
    ).rows;
    for (const i of dropped) await client.query(`drop index ${i.indexname}`);
    // The rows are consistent by construction: skip the foreign-key triggers (as src/db/explain.test.ts).
    await client.query('set local session_replication_role = replica');
    const rnd = random(42);

    await step('musicians', () =>
      copy(client, 'users', ['id', 'email', 'nickname', 'password_hash', 'created_at'], function* () {
        for (let i = 1; i <= musicians; i++) yield `${u0 + i}\tseed${i}@example.test\tseed_${i.toString(36)}\tx\t${ts(i * 60_000, now)}\n`;
      }),
    );
    const musician = () => u0 + zipf(rnd, musicians);
    const songAuthors = new Int32Array(songs + 1);
    for (let i = 1; i <= songs; i++) songAuthors[i] = musician();
    const partOf = new Int32Array(parts + 1);
    for (let i = 1; i <= parts; i++) partOf[i] = zipf(rnd, songs);
    const trackColumns = ['id', 'owner_id', 'kind', 'status', 'original_key', 'original_name', 'original_type', 'original_bytes', 'stream_key', 'duration_ms', 'updated_at'];
    const audio = (i: number) => SEED_AUDIO_KEYS[i % SEED_AUDIO_KEYS.length]!;
    await step('author tracks', () =>
      copy(client, 'tracks', trackColumns, function* () {
        for (let i = 1; i <= songs; i++) yield `${uuid('a', i)}\t${songAuthors[i]}\tauthor\tready\t${audio(i)}\tidea.mp3\taudio/mpeg\t32000\t${audio(i)}\t2000\t${ts(DAY, now)}\n`;
      }),
    );
    await step('part tracks', () =>
      copy(client, 'tracks', trackColumns, function* () {
        for (let i = 1; i <= parts; i++) yield `${uuid('c', i)}\t${musician()}\tcontribution\tready\t${audio(i)}\tpart.mp3\taudio/mpeg\t32000\t${audio(i)}\t2000\t${ts(DAY, now)}\n`;
      }),
    );
    // Song 1 is the newest; a rare genre (the last) gets one song in a thousand.
    await step('songs', () =>
      copy(client, 'posts', ['id', 'author_id', 'title', 'genre_id', 'instrument_id', 'author_track_id', 'created_at'], function* () {
        for (let i = 1; i <= songs; i++) {
          const genre = i % 1000 === 0 ? genres.at(-1)! : genres[i % (genres.length - 1)]!;
          yield `${i}\t${songAuthors[i]}\tSeed song ${i}\t${genre}\t${instruments[i % instruments.length]}\t${uuid('a', i)}\t${ts(i * 30_000, now)}\n`;
        }
      }),
    );
    await step('parts', () =>
      copy(client, 'contributions', ['id', 'post_id', 'contributor_id', 'track_id', 'instrument_id', 'included', 'created_at'], function* () {
        // A third of the parts are in their song's mix, but never more than a mix may hold
        // (64 tracks, src/mixes/schemas.ts): a real popular song has a few parts in its mix and
        // many outside it. Eight per song at most.
        const inMix = new Uint8Array(songs + 1);
        for (let i = 1; i <= parts; i++) {
          const post = partOf[i]!;
          const included = i % 3 === 0 && inMix[post]! < 8;
          if (included) inMix[post]!++;
          yield `${i}\t${post}\t${musician()}\t${uuid('c', i)}\t${instruments[i % instruments.length]}\t${included ? 't' : 'f'}\t${ts(i * 10_000, now)}\n`;
        }
      }),
    );
    // Likes: each musician likes a share of the songs (popular ones far more often), each once;
    // spread over two years, so a week holds a few percent.
    await step('likes', () =>
      copy(client, 'post_likes', ['user_id', 'post_id', 'created_at'], function* () {
        const each = Math.floor(likes / musicians);
        let n = 0;
        for (let u = 1; u <= musicians; u++) {
          const liked = new Set<number>();
          const want = Math.min(songs, u === musicians ? likes - n : each);
          while (liked.size < want) liked.add(zipf(rnd, songs));
          for (const p of liked) yield `${u0 + u}\t${p}\t${ts(Math.floor(rnd() * 730 * DAY), now)}\n`;
          n += liked.size;
        }
      }),
    );
    await step('follows', () =>
      copy(client, 'follows', ['follower_id', 'followed_id', 'created_at'], function* () {
        const each = Math.max(1, Math.floor(follows / musicians));
        for (let u = 1; u <= musicians; u++) {
          const followed = new Set<number>();
          const want = Math.min(musicians - 1, each);
          while (followed.size < want) {
            const f = zipf(rnd, musicians);
            if (f !== u) followed.add(f);
          }
          for (const f of followed) yield `${u0 + u}\t${u0 + f}\t${ts(Math.floor(rnd() * 365 * DAY), now)}\n`;
        }
      }),
    );
    await step('counts', async () => {
      await client.query('update posts p set likes_count = l.n from (select post_id, count(*)::int n from post_likes group by post_id) l where l.post_id = p.id');
      await client.query('update posts p set contributions_count = c.n from (select post_id, count(*)::int n from contributions group by post_id) c where c.post_id = p.id');
    });
    // Ids were given explicitly: the sequences move past them, so new sign-ups and songs fit.
    for (const table of ['users', 'posts', 'contributions']) await client.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
    await step('looking for', async () => {
      await client.query(`insert into post_looking_for (post_id, instrument_id, post_created_at)
        select p.id, ($1::int[])[1 + p.id % array_length($1::int[], 1)], p.created_at from posts p where p.id % 5 = 0 on conflict do nothing`, [instruments]);
    });
    await step('indexes', async () => {
      for (const i of dropped) await client.query(i.indexdef);
    });
    await client.query('commit');
    await step('analyse', async () => {
      await client.query('analyze');
    });
    return steps;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
    await pool.end();
  }
}

// Run directly: load into DATABASE_URL, or into a throwaway embedded PostgreSQL.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { default: path } = await import('node:path');
  const { createDb } = await import('../src/db/knex.js');
  const { migrateLatest } = await import('../src/db/migrate.js');
  const { refreshTrending } = await import('../src/feed/trending.js');
  const { startEmbeddedPostgres } = await import('../src/embedded.js');
  const { freePort } = await import('../test/ports.js');
  const { makeTempDir, removeDir } = await import('../test/stack/harness.js');
  const songs = Number(process.env.SEED_SONGS ?? 1_000_000);
  let url = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!url) {
    // SEED_DATA_DIR keeps the cluster (database songs_<N>) for bench/pages.ts (PAGES_DATA_DIR).
    const kept = process.env.SEED_DATA_DIR;
    const dir = kept ?? (await makeTempDir('soundhub-seed-'));
    const port = await freePort();
    const pgServer = await startEmbeddedPostgres(path.join(dir, 'pg'), port, `songs_${songs}`);
    url = `postgres://soundhub:soundhub-local@127.0.0.1:${port}/songs_${songs}`;
    stop = async () => {
      await pgServer.stop();
      if (!kept) await removeDir(dir);
    };
  }
  const db = createDb({ url });
  try {
    await migrateLatest(db);
    const started = performance.now();
    await seedScale(url, sizesFor(songs));
    await refreshTrending(db);
    console.log(`seed-scale: ${JSON.stringify(sizesFor(songs))} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await db.destroy();
    await stop();
  }
}
