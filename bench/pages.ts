/**
 * Requests per second of the pages, against the container's process tree (nginx → pm2 web
 * processes, NODE_ENV=production) on a site seeded by bench/seed-scale.ts, each page measured
 * against GET /bench/baseline (BENCH_BASELINE_ROUTE=true: the home layout with fixed cards and
 * no database work, through the same middleware) in the same run, page and baseline runs
 * interleaved. Prints req/s, p50 and p99 per page and mode, each page's ratio to the baseline,
 * and per page the p50 at the largest size over the p50 at the smallest.
 *
 *   npm run bench:pages                                   (10 000 and 1 000 000 songs)
 *   PAGES_SIZES=1000 PAGES_SECONDS=1 npm run bench:pages  (what CI runs)
 *
 * Modes: `out` (no cookie: what nginx's one-second page cache shares), `out-nocache` (a cookie
 * that is no session: nginx passes it to the app, which still makes no session), `in` (a
 * signed-in musician following the most followed musicians). PAGES_MODES picks some.
 * PAGES_CONNECTIONS (10) at once for PAGES_SECONDS (5) per run, PAGES_ROUNDS (1) page/baseline
 * pairs each; PAGES_WEB_CONCURRENCY (2) web processes. PAGES_DATA_DIR keeps the PostgreSQL
 * cluster (databases songs_<N>) so a size is seeded once: `SEED_DATA_DIR=… npm run
 * bench:seed-scale` seeds it ahead. Needs `npm run build` (the script does it), nginx, ffmpeg.
 *
 * Profiling: PAGES_ONLY (page names, comma-separated: `home,search`) measures only those;
 * PAGES_CPU_PROF=<folder> runs the web processes with `--cpu-prof` into that folder and skips
 * the baseline runs, so a profile holds the page alone; `npm run bench:profile <folder>`
 * (bench/profile-summary.ts) prints where the time went. PAGES_SAVE=<folder> writes each page's
 * HTML there once per mode and prints its size.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { resolveAudioTools } from '../src/audio/tools.js';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/embedded.js';
import { refreshTrending } from '../src/feed/trending.js';
import { startQueue } from '../src/jobs/queue.js';
import { createStorage } from '../src/storage/s3.js';
import { WROTE_COOKIE } from '../src/web/shared-reads.js';
import { freePort } from '../test/ports.js';
import { Browser, mailDirOf, makeTempDir, removeDir, startStack, tail, type Stack } from '../test/stack/harness.js';
import { seedAudio, seedScale, sizesFor } from './seed-scale.js';

const env = process.env;
const SIZES = (env.PAGES_SIZES ?? '10000,1000000').split(',').map(Number);
const SECONDS = Number(env.PAGES_SECONDS ?? 5);
const CONNECTIONS = Number(env.PAGES_CONNECTIONS ?? 10);
const ROUNDS = Number(env.PAGES_ROUNDS ?? 1);
const WEB = Number(env.PAGES_WEB_CONCURRENCY ?? 2);
const MODES = (env.PAGES_MODES ?? 'out,out-nocache,in').split(',') as Mode[];
const ONLY = env.PAGES_ONLY ? new Set(env.PAGES_ONLY.split(',')) : undefined;
const CPU_PROF = env.PAGES_CPU_PROF ? path.resolve(env.PAGES_CPU_PROF) : undefined;
const SAVE = env.PAGES_SAVE ? path.resolve(env.PAGES_SAVE) : undefined;
const BUCKET = 'soundhub-pages';
type Mode = 'out' | 'out-nocache' | 'in';

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(port: number, url: string, headers: Record<string, string>, seconds = SECONDS): Promise<Run> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${url}`, connections: CONNECTIONS, duration: seconds, headers });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed) console.error(`${url}: ${result.errors} socket errors, ${result.timeouts} timeouts, ${result.non2xx} answers not 2xx (${JSON.stringify(result.statusCodeStats)})`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx };
}

/** Each page's HTML as this mode gets it, into `<dir>/<size>-<mode>-<page>.html`, with its size. */
async function savePages(dir: string, port: number, pages: Array<{ name: string; url: string; signedInOnly?: boolean }>, mode: Mode, headers: Record<string, string>, size: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const p of pages) {
    if (p.signedInOnly && mode !== 'in') continue;
    const html = await (await fetch(`http://127.0.0.1:${port}${p.url}`, { headers })).text();
    const file = path.join(dir, `${size}-${mode}-${p.name.replace(/[^a-z0-9]+/gi, '-')}.html`);
    await writeFile(file, html);
    console.log(`saved ${file} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KB)`);
  }
}

/** The pages, as paths on the seeded site. */
async function pagesOf(db: ReturnType<typeof createDb>, stack: Stack): Promise<Array<{ name: string; url: string; signedInOnly?: boolean }>> {
  const prolific = await db('posts as p').join('users as u', 'u.id', 'p.author_id').groupBy('u.nickname').orderByRaw('count(*) desc').first('u.nickname');
  const busiest = await db('posts').orderBy('contributions_count', 'desc').first('id');
  const genres: Array<{ slug: string }> = await db('genres').select('slug').orderBy('position');
  const instrument = await db('instruments').orderBy('position').first('slug');
  // Fifty "older" links down the newest songs, as a reader paging would get there.
  let deep = '/new';
  for (let i = 1; i < 50; i++) {
    const res = await new Browser(stack.port).get(deep);
    const older = /href="(\/new\?before=[^"]+)"/.exec(res.text())?.[1];
    if (!older) break;
    deep = older.replace(/&amp;/g, '&');
  }
  return [
    { name: 'home', url: '/' },
    { name: 'new, 50 pages deep', url: deep },
    { name: 'post page', url: `/posts/${busiest.id}` },
    { name: 'profile (most songs)', url: `/users/${encodeURIComponent(prolific.nickname)}` },
    { name: 'genre', url: `/genres/${genres[0]!.slug}` },
    { name: 'rare genre', url: `/genres/${genres.at(-1)!.slug}` },
    { name: 'instrument', url: `/instruments/${instrument.slug}` },
    { name: 'search', url: '/search?q=seed+song+12' },
    { name: 'following feed', url: '/following', signedInOnly: true },
  ];
}

const fmt = (r: Run) => `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms`;
type Row = { size: number; page: string; mode: Mode; page_: Run; base: Run; ratio: number };

const dir = env.PAGES_DATA_DIR ?? (await makeTempDir('soundhub-pages-'));
const stops: Array<() => Promise<unknown>> = [];
let stack: Stack | undefined;
const rows: Row[] = [];
let failed = false;
try {
  const pgPort = await freePort();
  const pg = await startEmbeddedPostgres(path.join(dir, 'pg'), pgPort, '');
  stops.push(() => pg.stop());
  const s3Port = await freePort();
  const s3 = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'local-s3.ts'), path.join(dir, 's3'), String(s3Port), BUCKET], { stdio: ['ignore', 'pipe', 'inherit'] });
  stops.push(async () => {
    if (s3.exitCode === null) await new Promise((resolve) => s3.once('exit', resolve).kill('SIGTERM'));
  });
  await new Promise<void>((resolve, reject) => {
    s3.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    s3.once('exit', (code) => reject(new Error(`the local S3 endpoint exited with ${code}`)));
  });
  const storage = createStorage({ bucket: BUCKET, endpoint: `http://127.0.0.1:${s3Port}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const audio = path.join(dir, 'seed.mp3');
  if (!existsSync(audio)) {
    await promisify(execFile)(resolveAudioTools(env).ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=2:r=44100', '-ac', '2', '-b:a', '128k', audio]);
  }
  await seedAudio(storage, [audio]);

  for (const size of SIZES) {
    const name = `songs_${size}`;
    const admin = createDb({ url: `postgres://soundhub:soundhub-local@127.0.0.1:${pgPort}/postgres` });
    const exists = (await admin.raw('select 1 from pg_database where datname = ?', [name])).rowCount;
    if (!exists) await admin.raw(`create database "${name}"`);
    await admin.destroy();
    const databaseUrl = `postgres://soundhub:soundhub-local@127.0.0.1:${pgPort}/${name}`;
    const db = createDb({ url: databaseUrl });
    stops.push(() => db.destroy());
    await migrateLatest(db);
    if (Number((await db('posts').count<{ n: number }[]>({ n: '*' }))[0]!.n) === 0) {
      const started = performance.now();
      await seedScale(databaseUrl, sizesFor(size));
      await refreshTrending(db);
      console.log(`pages: seeded ${JSON.stringify(sizesFor(size))} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const { jobs, database, mail } = loadConfig({ DATABASE_URL: databaseUrl });
    await (await startQueue({ jobs, mail, database: { ...database, url: databaseUrl } }, { supervise: false, log: console })).stop();

    stack = await startStack({
      name: `pages-${size}`,
      databaseUrl,
      webConcurrency: WEB,
      s3: { endpoint: `http://127.0.0.1:${s3Port}`, bucket: BUCKET },
      env: { BENCH_BASELINE_ROUTE: 'true', LOG_LEVEL: env.PAGES_LOG_LEVEL ?? 'warn', ...(CPU_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${CPU_PROF}` } : {}) },
    });
    // A signed-in musician who follows the twenty most followed musicians.
    const musician = new Browser(stack.port);
    const nickname = await musician.signUp([mailDirOf(stack)]);
    const me = await db('users').where({ nickname }).first('id');
    const followed: Array<{ followed_id: number }> = await db('follows').groupBy('followed_id').orderByRaw('count(*) desc').limit(20).select('followed_id');
    if (followed.length) await db('follows').insert(followed.filter((f) => f.followed_id !== me.id).map((f) => ({ follower_id: me.id, followed_id: f.followed_id }))).onConflict().ignore();
    // A browser drops the cookie a state change sets (soundhub.wrote, Max-Age 5 s: "read
    // afresh, you just changed something") a few seconds later; this jar keeps every cookie.
    const cookie = [...musician.cookies].filter(([k]) => k !== WROTE_COOKIE).map(([k, v]) => `${k}=${v}`).join('; ');
    const headers: Record<Mode, Record<string, string>> = {
      out: { 'X-Forwarded-Proto': 'https', Accept: 'text/html' },
      'out-nocache': { 'X-Forwarded-Proto': 'https', Accept: 'text/html', Cookie: 'bench=1' },
      in: { 'X-Forwarded-Proto': 'https', Accept: 'text/html', Cookie: cookie },
    };
    const pages = (await pagesOf(db, stack)).filter((p) => !ONLY || ONLY.has(p.name));
    console.log(`\npages at ${size} songs (${WEB} web processes behind nginx; ${CONNECTIONS} connections × ${SECONDS} s per run)`);
    for (const mode of MODES) {
      // Warm-up: every page once, so the first measured run is not the one that fills caches.
      for (const p of pages) if (!p.signedInOnly || mode === 'in') await measure(stack.port, p.url, headers[mode], 1).catch(() => undefined);
      if (SAVE) await savePages(SAVE, stack.port, pages, mode, headers[mode], size);
      for (const p of pages) {
        if (p.signedInOnly && mode !== 'in') continue;
        const page_: Run = { rps: 0, p50: 0, p99: 0, errors: 0 };
        const base: Run = { rps: 0, p50: 0, p99: 0, errors: 0 };
        for (let r = 0; r < ROUNDS; r++) {
          const b = CPU_PROF ? { rps: 1, p50: 0, p99: 0, errors: 0 } : await measure(stack.port, '/bench/baseline', headers[mode]);
          const m = await measure(stack.port, p.url, headers[mode]);
          for (const [sum, one] of [
            [base, b],
            [page_, m],
          ] as const) {
            sum.rps += one.rps / ROUNDS;
            sum.p50 += one.p50 / ROUNDS;
            sum.p99 += one.p99 / ROUNDS;
            sum.errors += one.errors;
          }
        }
        const ratio = page_.rps / base.rps;
        rows.push({ size, page: p.name, mode, page_, base, ratio });
        console.log(`${mode.padEnd(11)} ${p.name.padEnd(22)} ${fmt(page_)}  | baseline ${fmt(base)}  | ratio ${ratio.toFixed(2)}${page_.errors ? `  ${page_.errors} errors` : ''}`);
        if (page_.errors || base.errors) failed = true;
      }
    }
    await stack.stop().catch(() => stack!.kill());
    await removeDir(stack.dir);
    stack = undefined;
  }

  if (SIZES.length > 1) {
    const [small, large] = [SIZES[0]!, SIZES.at(-1)!];
    console.log(`\np50 at ${large} songs ÷ p50 at ${small} songs`);
    for (const r of rows.filter((x) => x.size === large)) {
      const s = rows.find((x) => x.size === small && x.page === r.page && x.mode === r.mode);
      if (s) console.log(`${r.mode.padEnd(11)} ${r.page.padEnd(22)} ${(r.page_.p50 / Math.max(s.page_.p50, 1)).toFixed(2)}  (${s.page_.p50} → ${r.page_.p50} ms; baseline ${s.base.p50} → ${r.base.p50} ms)`);
    }
  }
} catch (err) {
  failed = true;
  console.error(err);
  if (stack) console.error(tail(stack.output()));
} finally {
  if (stack) {
    await stack.stop().catch(() => stack!.kill());
    await removeDir(stack.dir);
  }
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  if (!env.PAGES_DATA_DIR) await removeDir(dir);
}
console.log(failed ? 'pages: some runs failed (errors above)' : 'pages: done');
process.exit(failed ? 1 : 0);
