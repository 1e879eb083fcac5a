// One container's process tree on loopback: docker/entrypoint.sh → pm2-runtime with
// docker/ecosystem.config.cjs → nginx (the project's nginx.conf) + web × 2 + worker, against
// the test PostgreSQL and S3 endpoint. Every request goes through nginx, as from the load
// balancer.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cloneDatabase } from '../context.js';
import {
  alive,
  Browser,
  children,
  cmdline,
  descendants,
  mailDirOf,
  makeTempDir,
  objectBehindHandoff,
  readText,
  removeDir,
  REPO,
  request,
  sleep,
  startStack,
  tail,
  VIA_HTTPS,
  waitFor,
  writeWav,
  type Stack,
} from './harness.js';

const MB = 1024 * 1024;
let stack: Stack;
let files: string;
let bigWav: string;
let bigWavBytes: number;
const browser = () => new Browser(stack.port);

beforeAll(async () => {
  files = await makeTempDir('soundhub-stack-files-');
  bigWav = path.join(files, 'take-150mb.wav');
  bigWavBytes = await writeWav(bigWav, 150 * MB);
  stack = await startStack({ name: 'single', databaseUrl: await cloneDatabase(), webConcurrency: 2 });
});

afterAll(async () => {
  stack?.kill();
  await removeDir(files);
  if (stack) await removeDir(stack.dir);
});

describe('start-up', () => {
  test('the entrypoint renders nginx.conf changing only the ports, paths, body limit and resolver', () => {
    const template = readFileSync(path.join(REPO, 'nginx.conf'), 'utf8');
    const rendered = readFileSync(path.join(stack.dir, 'run', 'nginx.conf'), 'utf8');
    const values: Record<string, string> = {
      NGINX_HOST: '127.0.0.1',
      NGINX_PORT: String(stack.port),
      PORT: String(stack.webPort),
      PUBLIC_DIR: path.join(REPO, 'public'),
      RUNTIME_DIR: path.join(stack.dir, 'run'),
      LOG_DIR: path.join(stack.dir, 'log'),
      NGINX_MAX_BODY_MB: String(200 + 8),
      NGINX_RESOLVER: '127.0.0.1',
    };
    expect(rendered).toBe(template.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => values[name] ?? whole));
    expect(rendered).not.toMatch(/\$\{[A-Z_]+\}/);
  });

  test('pm2-runtime supervises nginx and the web processes in cluster mode', () => {
    const apps = stack.apps();
    expect(apps.get('web')).toHaveLength(2);
    expect(apps.get('nginx')).toHaveLength(1);
    // Non-root, as in the image.
    if (process.getuid?.() === 0) {
      for (const pid of [stack.process.pid!, ...descendants(stack.process.pid!)]) {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        expect(/^Uid:\s+(\d+)/m.exec(status)?.[1], `pid ${pid}`).not.toBe('0');
      }
    }
  });

  test('the worker runs as its own pm2 app', () => {
    expect(stack.apps().get('worker')).toHaveLength(1);
  });

  test('the HEALTHCHECK script passes through nginx, and fails when nothing answers', async () => {
    const run = promisify(execFile);
    const script = path.join(REPO, 'docker', 'healthcheck.mjs');
    await run(process.execPath, [script], { env: { ...process.env, NGINX_PORT: String(stack.port) } });
    await expect(run(process.execPath, [script], { env: { ...process.env, NGINX_PORT: '1' } })).rejects.toMatchObject({ code: 1 });
  });
});

describe('nginx in front of Node', () => {
  test('a fingerprinted bundle comes from nginx, gzipped, with one immutable year-long Cache-Control', async () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO, 'public', 'build', 'manifest.json'), 'utf8')) as Record<string, string>;
    const bundle = manifest['app.js']!;
    const onDisk = readFileSync(path.join(REPO, 'public', 'build', bundle));
    const res = await request(stack.port, { path: `/public/build/${bundle}`, headers: { ...VIA_HTTPS, 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    const cacheControl = res.rawHeaders.filter((_, i) => i % 2 === 0 && res.rawHeaders[i]!.toLowerCase() === 'cache-control');
    expect(cacheControl).toHaveLength(1);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
    expect(gunzipSync(res.body).equals(onDisk)).toBe(true);
    // Express marks every response it sends with X-Request-Id: this one never reached Node.
    expect(res.headers['x-request-id']).toBeUndefined();
    expect(res.headers.server).toBe('nginx');
  });

  test('source maps are not served, even when a local build has them', async () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO, 'public', 'build', 'manifest.json'), 'utf8')) as Record<string, string>;
    const map = `${manifest['app.js']!}.map`;
    // `npm run build` (what this suite runs) writes maps; the image's build does not.
    expect(existsSync(path.join(REPO, 'public', 'build', map)), map).toBe(true);
    const res = await request(stack.port, { path: `/public/build/${map}`, headers: VIA_HTTPS });
    expect(res.status).toBe(404);
    expect(res.body.toString()).not.toMatch(/sourcesContent|"mappings"/);
  });

  test('other static files get a short cache; the manifest is not served', async () => {
    const favicon = await request(stack.port, { path: '/public/favicon.svg', headers: VIA_HTTPS });
    expect(favicon.status).toBe(200);
    expect(favicon.headers['cache-control']).toBe('public, max-age=3600');
    expect(favicon.headers['x-request-id']).toBeUndefined();
    expect((await request(stack.port, { path: '/public/build/manifest.json', headers: VIA_HTTPS })).status).toBe(404);
  });

  test('pages come from Node through nginx', async () => {
    const res = await request(stack.port, { path: '/', headers: VIA_HTTPS });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.text()).toContain('Make songs together');
    // A reader gets no session: no token in the page, no cookie (the log-in form mints one).
    expect(res.text()).not.toContain('<meta name="csrf-token"');
    expect(res.headers['set-cookie']).toBeUndefined();
    const login = await request(stack.port, { path: '/login', headers: VIA_HTTPS });
    expect(login.text()).toContain('<meta name="csrf-token"');
    expect(String(login.headers['set-cookie'])).toContain('soundhub.sid=');
  });

  test('a page without a cookie is shared for a second; a signed-in musician sees their own change at once', async () => {
    const musician = browser();
    const nickname = await musician.signUp([mailDirOf(stack)]);
    const profile = `/users/${nickname}`;
    const visitor = () => request(stack.port, { path: profile, headers: VIA_HTTPS });
    const first = await visitor();
    expect(first.status).toBe(200);
    const second = await visitor();
    expect(second.headers['x-cache']).toMatch(/^(HIT|UPDATING)$/);
    expect(second.text()).toBe(first.text());

    const bio = `Bio written at ${Date.now()}`;
    expect((await musician.postForm('/settings', { nickname, bio })).status).toBe(303);
    const own = await musician.get(profile);
    expect(own.headers['x-cache']).toBe('BYPASS');
    expect(own.text()).toContain(bio);
    // nginx's shared copy lives one second, the web process's shared reads two
    // (SHARED_READ_SECONDS): then readers see it too.
    await waitFor(async () => (await visitor()).text().includes(bio), 10_000, 250);
    // An answer that sets a cookie (a form's CSRF token) is never shared.
    const login = await request(stack.port, { path: '/login', headers: VIA_HTTPS });
    const again = await request(stack.port, { path: '/login', headers: VIA_HTTPS });
    expect(again.headers['x-cache']).not.toBe('HIT');
    expect(String(again.headers['set-cookie'])).not.toBe(String(login.headers['set-cookie']));
  });

  test('X-Forwarded-Proto: http is redirected to https; health checks are not', async () => {
    const insecure = { 'X-Forwarded-Proto': 'http', Host: 'soundhub.test' };
    const page = await request(stack.port, { path: '/posts/new?from=test', headers: insecure });
    expect(page.status).toBe(301);
    expect(page.headers.location).toBe('https://soundhub.test/posts/new?from=test');
    const asset = await request(stack.port, { path: '/public/favicon.svg', headers: insecure });
    expect(asset.status).toBe(301);
    expect((await request(stack.port, { path: '/healthz', headers: insecure })).status).toBe(200);
    expect((await request(stack.port, { path: '/readyz', headers: insecure })).status).toBe(200);
    expect((await request(stack.port, { path: '/', headers: { 'X-Forwarded-Proto': 'https', Host: 'soundhub.test' } })).status).toBe(200);
  });

  test('a body over the limit is refused by nginx at once, before Node or S3 see it', async () => {
    // Headers only, with a Content-Length above MAX_UPLOAD_MB + 8: nginx answers 413 without
    // waiting for the body.
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(stack.port, '127.0.0.1');
      let data = '';
      socket.setTimeout(10_000, () => socket.destroy(new Error('no answer to an oversized upload')));
      socket.on('data', (d) => {
        data += d.toString();
        // The status line and headers are all we need; nginx then lingers before closing.
        if (data.includes('\r\n\r\n')) {
          resolve(data);
          socket.destroy();
        }
      });
      socket.on('end', () => resolve(data));
      socket.on('close', () => resolve(data));
      socket.on('error', (err) => (data ? resolve(data) : reject(err)));
      socket.write(
        `POST /posts HTTP/1.1\r\nHost: soundhub.test\r\nX-Forwarded-Proto: https\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${300 * MB}\r\n\r\n`,
      );
    });
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
  });
});

describe('uploads and streaming through nginx', () => {
  let trackUrl = '';

  test('a 150 MB upload streams through nginx to S3 and makes a post', async () => {
    const b = browser();
    await b.signUp([mailDirOf(stack)]);
    const started = Date.now();
    const res = await b.uploadPost(bigWav, { title: 'A long take' });
    const seconds = (Date.now() - started) / 1000;
    expect(res.status, `${res.text().slice(-1500)}\n--- stack log ---\n${tail(stack.output(), 40)}`).toBe(303);
    expect(res.headers.location).toMatch(/^\/posts\/\d+$/);
    console.info(`[stack] 150 MB upload through nginx: ${seconds.toFixed(1)} s`);
    const page = await b.get(res.headers.location!);
    expect(page.status).toBe(200);
    trackUrl = /\/tracks\/[0-9a-f-]{36}\/stream/.exec(page.text())?.[0] ?? '';
    expect(trackUrl).not.toBe('');
  });

  test('a Range request through nginx returns exactly those bytes', async () => {
    expect(trackUrl, 'needs the upload above').not.toBe('');
    const ranged = (range: string) => request(stack.port, { path: trackUrl, headers: { ...VIA_HTTPS, Range: range } });
    const first = await ranged('bytes=0-0');
    expect(first.status, `Content-Range: ${first.headers['content-range']}`).toBe(206);
    const total = Number(/\/(\d+)$/.exec(String(first.headers['content-range']))![1]);
    // Until the worker has made its streaming rendition the original WAV is streamed; after
    // that, compare with the rendition in S3, as the web process hands it to nginx.
    const reference = total === bigWavBytes ? readFileSync(bigWav) : await objectBehindHandoff(stack.webPort, trackUrl);
    expect(reference).toHaveLength(total);
    const middle = Math.floor(total * 0.51) + 17;
    for (const [start, end] of [
      [0, 43],
      [middle, Math.min(middle + 65_535, total - 1)],
      [total - 1000, total - 1],
    ] as const) {
      const res = await ranged(`bytes=${start}-${end}`);
      expect(res.status).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${total}`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.body.equals(reference.subarray(start, end + 1)), `bytes ${start}-${end}`).toBe(true);
    }
    expect((await ranged(`bytes=${total + 10}-`)).status).toBe(416);
  });
});

describe('supervision', () => {
  test('killing a web process by PID is survived: pm2 restarts it and requests keep succeeding', async () => {
    const before = stack.apps().get('web')!;
    expect(before).toHaveLength(2);
    const victim = before[0]!;
    process.kill(victim, 'SIGKILL');
    const statuses: number[] = [];
    const until = Date.now() + 4000;
    while (Date.now() < until) {
      statuses.push((await request(stack.port, { path: '/', headers: VIA_HTTPS })).status);
      await sleep(50);
    }
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.every((s) => s === 200), statuses.join(',')).toBe(true);
    await waitFor(() => {
      const now = stack.apps().get('web') ?? [];
      return now.length === 2 && !now.includes(victim);
    }, 20_000);
    expect(alive(victim)).toBe(false);
  });

  test('SIGTERM to pm2-runtime lets an upload in flight finish, then everything exits', async () => {
    const wav = path.join(files, 'take-24mb.wav');
    await writeWav(wav, 24 * MB);
    const b = browser();
    await b.signUp([mailDirOf(stack)]);
    // pm2-runtime, what it supervises (web, worker, nginx wrapper) and nginx's own processes.
    const root = stack.process.pid!;
    const supervised = [root, ...children(root), ...descendants(root).filter((p) => /^nginx/.test(cmdline(p)))];
    // About 4 s of upload; the stop comes 1.5 s in.
    const upload = b.uploadPost(wav, { title: 'Caught by a deploy', bytesPerSecond: 6 * MB }).then((res) => ({ res, at: Date.now() }));
    await sleep(1500);
    const others = descendants(root).filter((p) => !supervised.includes(p));
    const stopping = Date.now();
    const exit = stack.stop(30_000).then((r) => ({ ...r, at: Date.now() }));
    // New connections are no longer taken once nginx has begun its graceful stop.
    await sleep(500);
    const late = await request(stack.port, { path: '/healthz', timeoutMs: 2000 }).then(
      (r) => r.status,
      () => 'refused',
    );
    const [{ res, at: answered }, exited] = await Promise.all([upload, exit]);
    expect(res.status, `${res.text().slice(-1500)}\n--- stack log ---\n${tail(stack.output(), 40)}`).toBe(303);
    expect(res.headers.location).toMatch(/^\/posts\/\d+$/);
    expect(answered).toBeGreaterThan(stopping);
    expect(answered).toBeLessThanOrEqual(exited.at);
    // Within docker stop's 10 s. A process still busy after kill_timeout (the worker in the
    // middle of a transcode, which pg-boss retries later) is SIGKILLed by pm2; pm2-runtime
    // then reports 2, its "no app online" exit, instead of 0.
    expect(exited.at - stopping).toBeLessThan(10_000);
    const forced = /still alive after \d+ms, sending SIGKILL/.test(stack.output());
    if (process.env.STACK_DEBUG) writeFileSync(process.env.STACK_DEBUG, stack.output());
    if (forced) console.info('[stack] outlived kill_timeout, SIGKILLed by pm2:', stack.output().match(/Process with pid \d+ still alive[^\n]*/g));
    expect(forced ? [0, 2] : [0], tail(stack.output(), 40)).toContain(exited.code);
    expect(exited.signal).toBeNull();
    expect(late).toBe('refused');
    await waitFor(() => supervised.every((p) => !alive(p)), 5000).catch(() => undefined);
    expect(supervised.filter(alive).map(cmdline), 'processes left behind').toEqual([]);
    // An ffmpeg of a worker that had to be SIGKILLed outlives it here; in the container it
    // ends with the PID namespace when tini exits.
    for (const p of others.filter(alive)) {
      expect(cmdline(p)).toMatch(/ff(mpeg|probe)/);
      process.kill(p, 'SIGKILL');
    }
    const log = await readText(stack.accessLog);
    expect(log).toMatch(/"method":"POST","uri":"\/posts","status":303/);
  });
});
