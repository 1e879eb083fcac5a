/**
 * The burst: many musicians at once, each signing in and uploading several parts in one go,
 * against the container's process tree (nginx → pm2 cluster of web processes + the worker)
 * on loopback, with a PostgreSQL and an S3 endpoint of its own. Prints latency percentiles
 * and throughput, then checks what the burst left behind, and exits 1 if any check fails.
 *
 *   npm run bench:burst                                  (100 musicians × 5 parts)
 *   BURST_MUSICIANS=10 BURST_PARTS=2 npm run bench:burst (what CI runs)
 *
 * BURST_WEB_CONCURRENCY (default 2) web processes; BURST_READY_TIMEOUT_SECONDS (default 900)
 * bounds the wait for the worker to finish every track. Needs `npm run build` (the script
 * does it), Debian's nginx and ffmpeg.
 */
import { ListObjectsCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { execFile, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { resolveAudioTools } from '../src/audio/tools.js';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/embedded.js';
import { startQueue } from '../src/jobs/queue.js';
import { quantile } from '../src/metrics/emf.js';
import { createStorage } from '../src/storage/s3.js';
import { sweepAbandonedUploads } from '../src/tracks/pending-uploads.js';
import { freePort } from '../test/ports.js';
import { Browser, mailDirOf, makeTempDir, readText, removeDir, request, sleep, startStack, tail, type Stack } from '../test/stack/harness.js';

const env = process.env;
const MUSICIANS = Number(env.BURST_MUSICIANS ?? 100);
const PARTS = Number(env.BURST_PARTS ?? 5);
const WEB = Number(env.BURST_WEB_CONCURRENCY ?? 2);
const READY_TIMEOUT_MS = Number(env.BURST_READY_TIMEOUT_SECONDS ?? 900) * 1000;
/** Musicians per seed song: the parts land on a few songs, as on a busy day. */
const PER_SONG = 10;
const INSTRUMENTS = ['vocal', 'guitar', 'bass', 'drums', 'keyboard'];
const BUCKET = 'soundhub-burst';

const run = promisify(execFile);
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

interface Timed {
  what: 'log-in' | 'upload';
  status: number;
  ms: number;
  trackId?: string;
  error?: string;
}

/** One short tone per part, each at its own frequency, made once with ffmpeg. */
async function makeParts(dir: string): Promise<string[]> {
  const { ffmpegPath } = resolveAudioTools(env);
  const files: string[] = [];
  for (let i = 0; i < PARTS; i++) {
    const file = path.join(dir, `part-${i + 1}.mp3`);
    const hz = 220 * 2 ** (i / 4); // a quarter-octave apart
    await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=f=${hz.toFixed(1)}:d=2:r=44100`, '-ac', '2', '-b:a', '128k', file]);
    files.push(file);
  }
  return files;
}

async function timed(what: Timed['what'], fn: () => Promise<Omit<Timed, 'what' | 'ms'>>): Promise<Timed> {
  const started = performance.now();
  try {
    return { what, ...(await fn()), ms: performance.now() - started };
  } catch (err) {
    return { what, status: 0, ms: performance.now() - started, error: (err as Error).message };
  }
}

/**
 * A musician with an account and an address of their own (sign-up is rate limited per
 * address), signed up and confirmed before the clock starts.
 */
async function signedUpMusician(stack: Stack, n: number): Promise<Browser> {
  const browser = new Browser(stack.port, `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`);
  // As long as nginx lets a request wait (proxy_read_timeout 300 s): a slow answer is measured, not dropped.
  browser.timeoutMs = 300_000;
  await browser.signUp([mailDirOf(stack)]);
  browser.forgetSession();
  return browser;
}

/** In the burst: log in, then every part at once to the song, as the upload form sends them. */
async function musician(browser: Browser, postId: number, parts: string[]): Promise<Timed[]> {
  const logIn = await timed('log-in', async () => {
    await browser.logIn();
    return { status: 303 };
  });
  if (logIn.error) return [logIn];
  const uploads = await Promise.all(
    parts.map((file, i) =>
      timed('upload', async () => {
        const res = await browser.uploadPart(postId, file, { instrument: INSTRUMENTS[i % INSTRUMENTS.length]!, note: `take ${i + 1}` });
        if (res.status !== 201) return { status: res.status, error: res.text().slice(0, 200) };
        return { status: 201, trackId: (JSON.parse(res.text()) as { trackId: string }).trackId };
      }),
    ),
  );
  return [logIn, ...uploads];
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
function summary(name: string, rows: Timed[]) {
  const t = rows.map((r) => r.ms);
  console.log(`${name.padEnd(10)} n=${String(rows.length).padStart(4)}  p50 ${ms(quantile(t, 0.5)).padStart(8)}  p99 ${ms(quantile(t, 0.99)).padStart(8)}  max ${ms(Math.max(...t)).padStart(8)}`);
}

/** Sum of a counter's samples in Prometheus text, over every line matching `selector`. */
function sumOf(text: string, selector: RegExp): number {
  return text
    .split('\n')
    .filter((l) => selector.test(l))
    .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

const dir = await makeTempDir('soundhub-burst-');
const stops: Array<() => Promise<unknown>> = [];
let stack: Stack | undefined;
/** Stops everything the bench started, once: at the end, or when the run is interrupted. */
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    if (stack) {
      await stack.stop().catch(() => stack!.kill());
      await removeDir(stack.dir);
    }
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await removeDir(dir);
  })());
// Ctrl-C mid-burst would otherwise leave PostgreSQL, S3, nginx and pm2 running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`burst: ${signal}, stopping what it started`);
    void cleanUp().finally(() => process.exit(130));
  });
}
try {
  const pgPort = await freePort();
  const pg = await startEmbeddedPostgres(path.join(dir, 'pg'), pgPort, 'burst');
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
  const databaseUrl = `postgres://soundhub:soundhub-local@127.0.0.1:${pgPort}/burst`;
  const db = createDb({ url: databaseUrl });
  stops.push(() => db.destroy());
  await migrateLatest(db);
  // pg-boss makes its schema once here, not in every process at the same moment.
  const { jobs, database, mail } = loadConfig({ DATABASE_URL: databaseUrl });
  await (await startQueue({ jobs, mail, database: { ...database, url: databaseUrl } }, { supervise: false, log: console })).stop();
  const storage = createStorage({ bucket: BUCKET, endpoint: `http://127.0.0.1:${s3Port}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });

  const parts = await makeParts(dir);
  const partBytes = parts.map((f) => statSync(f).size);
  const metricsPort = await freePort();
  stack = await startStack({
    name: 'burst',
    databaseUrl,
    webConcurrency: WEB,
    s3: { endpoint: `http://127.0.0.1:${s3Port}`, bucket: BUCKET },
    env: { METRICS_PORT: String(metricsPort), LOG_LEVEL: env.BURST_LOG_LEVEL ?? 'warn' },
  });
  const live = stack;

  // The songs the parts go to, posted before the clock starts.
  const songs: number[] = [];
  for (let i = 0; i < Math.ceil(MUSICIANS / PER_SONG); i++) {
    const author = new Browser(live.port, `198.19.0.${i + 1}`);
    await author.signUp([mailDirOf(live)]);
    const res = await author.uploadPost(parts[0]!, { title: `Burst song ${i + 1}` });
    if (res.status !== 303) throw new Error(`seed post answered ${res.status}: ${res.text().slice(0, 300)}`);
    songs.push(Number(res.headers.location!.split('/').pop()));
  }

  // The musicians' accounts, a few at a time (each sign-up waits for its confirmation mail).
  const signingUp = pLimit(8);
  const musicians = await Promise.all(Array.from({ length: MUSICIANS }, (_, i) => signingUp(() => signedUpMusician(live, i))));

  console.log(`burst: ${MUSICIANS} musicians × ${PARTS} parts (${partBytes.reduce((a, b) => a + b, 0)} bytes each) → ${songs.length} songs, ${WEB} web processes + worker behind nginx`);
  const scrape = async (port: number) => (await request(port, { path: '/metrics' }).catch(() => undefined))?.text() ?? '';
  const scrapeWeb = () => Promise.all(Array.from({ length: WEB }, (_, i) => scrape(metricsPort + 1 + i)));
  const before = await scrapeWeb();
  const started = performance.now();
  const results = (await Promise.all(musicians.map((browser, i) => musician(browser, songs[i % songs.length]!, parts)))).flat();
  const wall = (performance.now() - started) / 1000;

  const uploads = results.filter((r) => r.what === 'upload');
  const ok = uploads.filter((r) => r.status === 201);
  const bytes = ok.length * (partBytes.reduce((a, b) => a + b, 0) / PARTS);
  summary('log-in', results.filter((r) => r.what === 'log-in'));
  summary('upload', uploads);
  console.log(`wall ${wall.toFixed(1)} s; ${(ok.length / wall).toFixed(1)} uploads/s; ${(bytes / wall / 1024 / 1024).toFixed(2)} MB/s in`);
  // The time the web processes themselves spent on each group, against what the musicians saw:
  // the difference is waiting in front of Node (nginx, the listen queue).
  const after = await scrapeWeb();
  for (const group of ['auth', 'uploads']) {
    const total = (texts: string[], what: 'sum' | 'count') => texts.reduce((n, t) => n + sumOf(t, new RegExp(`^soundhub_http_request_duration_seconds_${what}\\{route_group="${group}"\\}`)), 0);
    const count = total(after, 'count') - total(before, 'count');
    const seconds = total(after, 'sum') - total(before, 'sum');
    console.log(`  in the web processes: ${group} ${count} requests, mean ${count ? ms((seconds / count) * 1000) : '-'}`);
  }
  const errors = results.filter((r) => r.status !== 201 && r.status !== 303);
  for (const e of errors.slice(0, 5)) console.log(`  ${e.what}: ${e.status} ${e.error ?? ''}`);

  // What the worker makes of it.
  const readyStarted = performance.now();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let pending = Infinity;
  while (Date.now() < deadline) {
    pending = Number((await db('tracks').where({ status: 'processing' }).count<{ n: number }[]>({ n: '*' }))[0]!.n);
    if (pending === 0) break;
    await sleep(1000);
  }
  const processing = (performance.now() - readyStarted) / 1000;
  console.log(`worker: ${pending ? `stopped waiting` : 'every track settled'} ${(processing + wall).toFixed(1)} s after the burst began (${pending} still processing)`);

  console.log('checks:');
  const expected = MUSICIANS * PARTS;
  check(errors.length === 0, `every log-in and upload answered 201/303 (${errors.length} did not)`);
  const access = (await readText(live.accessLog)).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { status: string; uri?: string });
  const fives = access.filter((l) => Number(l.status) >= 500);
  check(fives.length === 0, `no 5xx in nginx's access log (${access.length} requests, ${fives.length} 5xx)`);
  const byKind = fives.reduce<Record<string, number>>((m, l) => {
    const k = `${l.status} ${(l.uri ?? '').replace(/\d+/g, ':id')}`;
    return { ...m, [k]: (m[k] ?? 0) + 1 };
  }, {});
  for (const [k, n] of Object.entries(byKind)) console.log(`  ${n} × ${k}`);
  // A web process that died mid-burst explains both 5xx and objects without rows: say so.
  const troubles = live.output().split('\n').filter((l) => /exited with code|restart|heap|out of memory|SIGKILL|SIGABRT|\[(error|crit|alert)\]/i.test(l));
  // One line per kind of trouble (nginx's lines differ only in client and request).
  const kinds = new Map<string, string>();
  for (const l of troubles) kinds.set(l.replace(/^.*?\[(error|crit|alert)\] \d+#\d+: \*\d+ /, '').replace(/, client:.*$/, '').slice(0, 160), l);
  for (const [kind] of [...kinds].slice(0, 10)) console.log(`  log: ${kind} (${troubles.filter((l) => l.includes(kind.slice(0, 60))).length}×)`);

  const trackIds = ok.map((r) => r.trackId!);
  check(new Set(trackIds).size === expected, `every upload got its own track (${new Set(trackIds).size} of ${expected})`);
  const rows = await db('contributions as c').join('tracks as t', 't.id', 'c.track_id').whereIn('c.post_id', songs).select('t.id', 't.status', 't.original_key', 't.original_bytes');
  check(rows.length === expected, `stored exactly once: ${rows.length} contribution rows for ${expected} uploads`);
  check(rows.every((r) => trackIds.includes(r.id)), 'every contribution row is one of the answered uploads');
  check(rows.every((r) => partBytes.includes(Number(r.original_bytes))), 'every row has the size of the file sent');
  const statuses = rows.reduce<Record<string, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
  check(rows.every((r) => r.status === 'ready'), `every track ends ready within ${READY_TIMEOUT_MS / 1000} s (${JSON.stringify(statuses)})`);

  // What the worker's sweep does an hour on for an upload whose web process died, done now
  // (nothing is in flight any more): the count says whether any process died mid-upload.
  const abandoned = await sweepAbandonedUploads(db, storage, 0);
  check(abandoned === 0, `no upload was abandoned by a dying web process (${abandoned} swept)`);
  // Version 1 listing with Marker: s3rver signs V2's continuation tokens with DES, which
  // OpenSSL 3 refuses, so any V2 listing past 1000 keys fails there with InternalError.
  const keys: string[] = [];
  for (let marker: string | undefined; ; ) {
    const page = await storage.client.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'tracks/', Marker: marker }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    if (!page.IsTruncated || !page.Contents?.length) break;
    marker = page.Contents.at(-1)!.Key;
  }
  const allTracks = new Set((await db('tracks').select('id')).map((r: { id: string }) => r.id));
  const orphans = keys.filter((k) => !allTracks.has(k.split('/')[1]!));
  check(orphans.length === 0, `every object has its row (${keys.length} objects, ${orphans.length} without a track)`);
  const missing: string[] = [];
  for (const r of rows) {
    await storage.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: r.original_key })).catch(() => missing.push(r.original_key));
  }
  check(missing.length === 0, `every row has its object (${missing.length} originals missing)`);

  // Every process answers on its own /metrics port, and between them they saw every upload.
  const webTexts = await scrapeWeb();
  // A track turns ready before its job ends (alignment and tempo come after): give the jobs in hand a minute.
  let workerText = await scrape(metricsPort);
  for (let i = 0; i < 60 && sumOf(workerText, /^soundhub_job_duration_seconds_count\{queue="track-process"\}/) < allTracks.size; i++) {
    await sleep(1000);
    workerText = await scrape(metricsPort);
  }
  const scrapedUploads = webTexts.reduce((n, t) => n + sumOf(t, /^soundhub_http_requests_total\{route_group="uploads",status_class="2xx"\}/), 0);
  check(webTexts.every((t) => t.includes('soundhub_http_requests_total')), `each of the ${WEB} web processes serves /metrics`);
  check(scrapedUploads >= ok.length, `the web processes' /metrics count the uploads (${scrapedUploads} ≥ ${ok.length})`);
  const jobsDone = sumOf(workerText, /^soundhub_job_duration_seconds_count\{queue="track-process"\}/);
  check(jobsDone >= allTracks.size, `the worker's /metrics count its jobs (${jobsDone} track-process runs for ${allTracks.size} tracks)`);
} catch (err) {
  failures.push((err as Error).message);
  console.error(err);
  if (stack) console.error(tail(stack.output()));
} finally {
  await cleanUp();
}

if (failures.length) {
  console.log(`burst: ${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('burst: all checks passed');
process.exit(0);
