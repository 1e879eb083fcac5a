/**
 * Audio throughput through the container's path against nginx serving the same file from
 * disk, whole and as 1 MiB ranges, at concurrency 1 and 16. Two container process trees run
 * on loopback against one PostgreSQL and one s3rver: `via nginx` (AUDIO_VIA_NGINX=true, the
 * image's default: the app authorises, nginx fetches from S3) and `via Node` (false: the web
 * processes stream the object, as before). The targets take turns within each case, so the
 * machine's noise falls on all of them alike; the ratios to the disk baseline are the figures.
 * A fourth column reads the presigned object straight from s3rver: on one machine the local
 * S3 endpoint (a Node process) is the ceiling of every path that reads S3.
 *
 *   npm run bench:audio                                (32 MiB track, 5 s a case and target)
 *   AUDIO_BENCH_MB=4 AUDIO_BENCH_SECONDS=1 npm run bench:audio   (what CI runs)
 *
 * AUDIO_BENCH_WEB_CONCURRENCY (default 2) web processes per tree. Needs `npm run build` (the
 * script does it) and Debian's nginx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { presignGet, putObject } from '../src/storage/s3.js';
import { insertTrack } from '../test/db-factories.js';
import { freePort } from '../test/ports.js';
import { sleep, startStack, tail, VIA_HTTPS, waitFor, request, type Stack } from '../test/stack/harness.js';
import { startBenchServices, stopOnSignal } from './services.js';

const env = process.env;
const MB = 1024 * 1024;
const SIZE = Number(env.AUDIO_BENCH_MB ?? 32) * MB;
const SECONDS = Number(env.AUDIO_BENCH_SECONDS ?? 5);
const WEB = Number(env.AUDIO_BENCH_WEB_CONCURRENCY ?? 2);
const RANGE = 1 * MB;

interface Target {
  name: string;
  port: number;
  path: string;
}

/** nginx with nothing but the file: the baseline the issue names. */
async function startDiskNginx(dir: string, file: string): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  const conf = path.join(dir, 'disk-nginx.conf');
  await writeFile(
    conf,
    `worker_processes auto; pid ${dir}/disk-nginx.pid; error_log stderr warn; daemon off;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; client_body_temp_path ${dir}; proxy_temp_path ${dir};
  fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}; location = /audio { alias ${file}; default_type audio/mp4; } } }\n`,
  );
  const child = spawn('nginx', ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitFor(async () => (await request(port, { path: '/audio' }).catch(() => undefined))?.status === 200, 10_000);
  return { port, process: child };
}

/** As many requests as `concurrency` clients finish in SECONDS; each one's bytes are checked. */
async function load(target: Target, concurrency: number, ranged: boolean): Promise<{ mbps: number; requests: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = performance.now() + SECONDS * 1000;
  let bytes = 0;
  let requests = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const start = ranged ? Math.floor(Math.random() * (SIZE - RANGE)) : 0;
      const headers: Record<string, string> = { ...VIA_HTTPS, ...(ranged ? { Range: `bytes=${start}-${start + RANGE - 1}` } : {}) };
      const req = http.get({ host: '127.0.0.1', port: target.port, path: target.path, agent, headers }, (res) => {
        let got = 0;
        res.on('data', (c: Buffer) => (got += c.length));
        res.on('end', () => {
          const want = ranged ? RANGE : SIZE;
          if (res.statusCode !== (ranged ? 206 : 200) || got !== want) return reject(new Error(`${target.name}: ${res.statusCode}, ${got} of ${want} bytes`));
          bytes += got;
          requests++;
          resolve();
        });
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { mbps: bytes / MB / seconds, requests };
}

const services = await startBenchServices('audio-bench');
const stacks: Stack[] = [];
let disk: ChildProcess | undefined;
const cleanUp = async () => {
  disk?.kill('SIGQUIT');
  for (const s of stacks) await s.stop().catch(() => s.kill());
  await services.stop();
};
stopOnSignal(cleanUp);
let failed = false;
try {
  const file = path.join(services.dir, 'audio.bin');
  const bytes = randomBytes(SIZE);
  await writeFile(file, bytes);
  const track = await insertTrack(services.db, { status: 'ready', durationMs: 3000 });
  const key = `tracks/${track.id}/stream.m4a`;
  await putObject(services.storage, key, bytes, 'audio/mp4', SIZE);
  await services.db('tracks').where({ id: track.id }).update({ stream_key: key, stream_bytes: SIZE });

  const diskNginx = await startDiskNginx(services.dir, file);
  disk = diskNginx.process;
  const diskPort = diskNginx.port;
  const [accel, node] = await Promise.all([
    startStack({ name: 'audio-accel', databaseUrl: services.databaseUrl, webConcurrency: WEB, s3: services.s3 }),
    startStack({ name: 'audio-node', databaseUrl: services.databaseUrl, webConcurrency: WEB, s3: services.s3, env: { AUDIO_VIA_NGINX: 'false' } }),
  ]);
  stacks.push(accel, node);
  const trackPath = `/tracks/${track.id}/stream`;
  const s3Path = new URL(await presignGet(services.storage, key, 3600));
  const targets: Target[] = [
    { name: 'nginx from disk', port: diskPort, path: '/audio' },
    { name: 'via nginx', port: accel.port, path: trackPath },
    { name: 'via Node', port: node.port, path: trackPath },
    // The ceiling of any path that reads S3 here: s3rver (itself a Node process on these cores) alone.
    { name: 's3rver alone', port: Number(new URL(services.s3.endpoint).port), path: s3Path.pathname + s3Path.search },
  ];
  console.log(`audio: ${SIZE / MB} MiB track, ${SECONDS} s per case and target, ${WEB} web processes per tree; MB/s (ratio to nginx from disk)`);
  console.log(`${'case'.padEnd(22)}${targets.map((t) => t.name.padStart(24)).join('')}`);
  for (const [label, concurrency, ranged] of [
    ['whole, 1 at a time', 1, false],
    ['whole, 16 at once', 16, false],
    ['1 MiB ranges, 1', 1, true],
    ['1 MiB ranges, 16', 16, true],
  ] as const) {
    const results: Array<{ mbps: number; requests: number }> = [];
    for (const t of targets) {
      results.push(await load(t, concurrency, ranged));
      await sleep(200);
    }
    const base = results[0]!.mbps;
    console.log(`${label.padEnd(22)}${results.map((r) => `${r.mbps.toFixed(0)} (${(r.mbps / base).toFixed(2)}×) n=${r.requests}`.padStart(24)).join('')}`);
  }
} catch (err) {
  failed = true;
  console.error(err);
  for (const s of stacks) console.error(tail(s.output(), 30));
} finally {
  await cleanUp();
}
process.exit(failed ? 1 : 0);
