// Runs the container's own process tree on loopback, as the image does: docker/entrypoint.sh
// (render nginx.conf, migrate, exec pm2-runtime) with docker/ecosystem.config.cjs, against the
// test PostgreSQL and S3 endpoint. Only ports and paths differ from the image.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { freePort } from '../ports.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ENTRYPOINT = path.join(REPO, 'docker', 'entrypoint.sh');
/** What the image runs, built by `npm run build` (which `npm run test:stack` runs first). */
const BUILT_ENTRY_POINTS = ['main.js', 'worker.js'].map((f) => path.join(REPO, 'dist', 'src', f));

/** The image runs everything as a non-root user; so do the tests when they run as root. */
const NOBODY = { uid: 65534, gid: 65534 };
const runAs = process.getuid?.() === 0 ? NOBODY : undefined;

/** node_modules/.bin first: `node` there is the project's Node 24 (devDependency). */
function searchPath(): string {
  return [path.join(REPO, 'node_modules', '.bin'), process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(path.delimiter);
}

export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  return dir;
}

export interface StackOptions {
  name: string;
  databaseUrl: string;
  webConcurrency?: number;
  env?: Record<string, string>;
  /** The S3 endpoint and bucket; default: the test run's (vitest's globalSetup). */
  s3?: StackS3;
}

export interface StackS3 {
  endpoint: string;
  bucket: string;
}

/** The test run's S3 endpoint. Imported lazily: bench/burst.ts uses this file without vitest. */
async function testS3(): Promise<StackS3> {
  const { inject } = await import('vitest');
  return { endpoint: inject('s3Endpoint'), bucket: inject('s3Bucket') };
}

export interface Stack {
  name: string;
  dir: string;
  /** nginx, the way in (the container's port 80). */
  port: number;
  /** The Node web processes behind nginx (pm2 cluster). */
  webPort: number;
  /** pm2-runtime, after the entrypoint exec'd into it (PID 1's child in the image). */
  process: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logFile: string;
  accessLog: string;
  output(): string;
  /** Every process pm2-runtime supervises, by app name. */
  apps(): Map<string, number[]>;
  /** SIGTERM as `docker stop` → tini would send it; resolves with the exit. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Last resort for a failed test: SIGKILL everything left. */
  kill(): void;
}

export function stackEnv(o: { port: number; webPort: number; dir: string; databaseUrl: string; webConcurrency: number; s3: StackS3 }): Record<string, string> {
  return {
    PATH: searchPath(),
    HOME: o.dir,
    LANG: 'C.UTF-8',
    // Ports and paths: what differs from the image.
    APP_DIR: REPO,
    NGINX_HOST: '127.0.0.1',
    NGINX_PORT: String(o.port),
    PORT: String(o.webPort),
    HOST: '127.0.0.1',
    PUBLIC_DIR: path.join(REPO, 'public'),
    // The stack's S3 endpoint is an address: nothing to resolve (the image reads resolv.conf).
    NGINX_RESOLVER: '127.0.0.1',
    RUNTIME_DIR: path.join(o.dir, 'run'),
    LOG_DIR: path.join(o.dir, 'log'),
    PM2_HOME: path.join(o.dir, 'pm2'),
    // What an operator sets on Elastic Beanstalk, pointed at the test services.
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://soundhub.test',
    DATABASE_URL: o.databaseUrl,
    S3_BUCKET: o.s3.bucket,
    S3_ENDPOINT: o.s3.endpoint,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    SESSION_SECRET: 'stack-test-session-secret-0123456789abcdef',
    WEB_CONCURRENCY: String(o.webConcurrency),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    // Off unless a test asks: several stacks at once would want the same ports.
    METRICS_PORT: '0',
    // Production names its mail transport; the stack keeps its mail in its own folder.
    MAIL_TRANSPORT: 'outbox',
    MAIL_OUTBOX_DIR: path.join(o.dir, 'mail'),
  };
}

/** As root the stack runs as nobody, who must be able to read the checkout. */
function checkReadableByStackUser(): void {
  if (!runAs) return;
  const probe = spawnSync(process.execPath, ['-e', 'require("fs").accessSync(process.argv[1], 4)', path.join(REPO, 'dist', 'src', 'main.js')], {
    ...runAs,
    stdio: 'ignore',
  });
  if (probe.status !== 0) {
    throw new Error(
      `The stack runs as uid ${runAs.uid} (like the image's non-root user), which cannot read ${REPO}/dist. ` +
        'Build first (npm run build) and make the checkout and its parent folders readable by others (chmod o+rx).',
    );
  }
}

/** The stack runs the built app: refuse to start a tree with an app missing, rather than test less. */
function checkBuilt(): void {
  const missing = BUILT_ENTRY_POINTS.filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`Not built: ${missing.map((f) => path.relative(REPO, f)).join(', ')}. Run the stack suite with \`npm run test:stack\` (it builds first) or run \`npm run build\`.`);
}

export async function startStack(options: StackOptions): Promise<Stack> {
  checkBuilt();
  checkReadableByStackUser();
  const dir = await makeTempDir(`soundhub-stack-${options.name}-`);
  const port = await freePort();
  const webPort = await freePort();
  const s3 = options.s3 ?? (await testS3());
  const env = { ...stackEnv({ port, webPort, dir, databaseUrl: options.databaseUrl, webConcurrency: options.webConcurrency ?? 2, s3 }), ...options.env };
  const logFile = path.join(dir, 'stack.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(ENTRYPOINT, [], { cwd: REPO, env, stdio: ['ignore', fd, fd], ...(runAs ?? {}) });
  closeSync(fd);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid!;
  // Remembered as they appear, so a stop can check that none is left behind.
  const seen = new Set<number>();
  const output = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const stack: Stack = {
    name: options.name,
    dir,
    port,
    webPort,
    process: child,
    exited,
    logFile,
    accessLog: path.join(dir, 'log', 'nginx-access.log'),
    output,
    apps() {
      const byApp = new Map<string, number[]>();
      for (const p of descendants(pid)) seen.add(p);
      for (const p of children(pid)) {
        const name = appName(p);
        if (name) byApp.set(name, [...(byApp.get(name) ?? []), p]);
      }
      return byApp;
    },
    async stop(timeoutMs = 20_000) {
      for (const p of descendants(pid)) seen.add(p);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const result = await Promise.race([exited, sleep(timeoutMs).then(() => undefined)]);
      if (!result) {
        stack.kill();
        throw new Error(`stack ${options.name} did not stop within ${timeoutMs} ms\n${tail(output())}`);
      }
      return result;
    },
    kill() {
      // Only processes that still carry this stack's environment: a remembered pid may
      // belong to someone else by now.
      const marker = `RUNTIME_DIR=${env.RUNTIME_DIR}`;
      const candidates = new Set([...descendants(pid), ...seen]);
      // nginx rewrites its environment area (process titles): know its master by the
      // config path on its command line, and its workers as that master's children.
      const masters = [...candidates].filter((p) => cmdline(p).includes(env.RUNTIME_DIR!));
      const nginxProcesses = new Set([...masters, ...masters.flatMap((m) => children(m))]);
      for (const p of nginxProcesses) candidates.add(p);
      const ours = (p: number) => {
        if (nginxProcesses.has(p)) return true;
        try {
          return readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(marker);
        } catch {
          return false;
        }
      };
      for (const p of candidates) {
        if (!ours(p)) continue;
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };

  const ready = await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`entrypoint exited with ${child.exitCode}\n${tail(output())}`);
    const res = await request(port, { path: '/readyz' }).catch(() => undefined);
    return res?.status === 200;
  }, 90_000).catch((err: Error) => err);
  if (ready instanceof Error) {
    stack.kill();
    throw new Error(`stack ${options.name} never became ready: ${ready.message}\n${tail(output())}`);
  }
  // pm2 starts the apps one by one: wait until every expected process is there.
  const want = ['web', 'nginx', 'worker'];
  await waitFor(() => {
    const apps = stack.apps();
    return want.every((n) => (apps.get(n)?.length ?? 0) > 0) && (apps.get('web')?.length ?? 0) >= (options.webConcurrency ?? 2);
  }, 30_000).catch(() => {
    stack.kill();
    throw new Error(`stack ${options.name}: apps ${JSON.stringify([...stack.apps()])}\n${tail(output())}`);
  });
  return stack;
}

/**
 * The pm2 app a supervised process runs: pm2 puts `name` in a fork-mode app's environment
 * and the whole app description, as JSON, in `pm2_env` for a cluster-mode one.
 */
export function appName(pid: number): string | undefined {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const pm2Env = environ.find((e) => e.startsWith('pm2_env='));
    if (pm2Env) return (JSON.parse(pm2Env.slice('pm2_env='.length)) as { name?: string }).name;
    if (!environ.some((e) => e.startsWith('pm_id='))) return undefined;
    return environ.find((e) => e.startsWith('name='))?.slice('name='.length);
  } catch {
    return undefined;
  }
}

/** Direct children of pid (pm2-runtime's children are the processes it supervises). */
export function children(pid: number): number[] {
  return processTable()
    .filter((p) => p.ppid === pid)
    .map((p) => p.pid);
}

function processTable(): Array<{ pid: number; ppid: number }> {
  const table: Array<{ pid: number; ppid: number }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      table.push({ pid: Number(entry), ppid });
    } catch {
      // exited while we looked
    }
  }
  return table;
}

/** Every live descendant of pid, from /proc (no ps on minimal machines). */
export function descendants(pid: number): number[] {
  const kids = new Map<number, number[]>();
  for (const p of processTable()) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p.pid]);
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of kids.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function tail(text: string, lines = 60): string {
  return text.split('\n').slice(-lines).join('\n');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------
// HTTP, the way a load balancer would speak to the container.

export interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  text(): string;
}

export interface Req {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string | Readable;
  timeoutMs?: number;
}

/** One request on a fresh connection; no redirects followed. */
export function request(port: number, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path, headers: req.headers, agent: false, timeout: req.timeoutMs ?? 60_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body, text: () => body.toString('utf8') });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`${req.method ?? 'GET'} ${req.path}: timed out`)));
    r.on('error', reject);
    const body = req.body;
    if (body === undefined) r.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) r.end(body);
    else {
      body.on('error', (err) => r.destroy(err));
      body.pipe(r);
    }
  });
}

/** Headers the ALB adds to a request that came in over HTTPS. */
export const VIA_HTTPS = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.7' } as const;

/** A browser: one cookie jar, the CSRF token of the last page, requests through nginx. */
/** The stack's outbox folder (MAIL_OUTBOX_DIR in stackEnv). */
export const mailDirOf = (stack: { dir: string }) => path.join(stack.dir, 'mail');

/** The first link in the mail to `to` that a worker wrote to one of the outboxes. */
async function waitForMailLink(dirs: string[], to: string, timeoutMs: number): Promise<URL> {
  const { simpleParser } = await import('mailparser');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const dir of dirs) {
      for (const name of existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.eml')) : []) {
        const mail = await simpleParser(await readFile(path.join(dir, name)));
        const link = /https?:\/\/\S+/.exec(mail.text ?? '')?.[0];
        if (link && [mail.to ?? []].flat().some((a) => a.text.includes(to))) return new URL(link);
      }
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} in ${dirs.join(', ')} after ${timeoutMs} ms`);
    await sleep(250);
  }
}

export class Browser {
  cookies = new Map<string, string>();
  csrf = '';
  /** How long a page or form request may take before the client gives up. */
  timeoutMs = 60_000;

  /** `clientIp`: the address the load balancer saw (rate limits count per address). */
  constructor(
    public port: number,
    public clientIp: string = VIA_HTTPS['X-Forwarded-For'],
  ) {}

  private headers(extra: Record<string, string | number> = {}): Record<string, string | number> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...VIA_HTTPS, 'X-Forwarded-For': this.clientIp, 'User-Agent': 'soundhub-stack-test', ...(cookie ? { Cookie: cookie } : {}), ...extra };
  }

  private remember(res: Res): Res {
    const set = res.headers['set-cookie'] ?? [];
    for (const c of set) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    const token = /<meta name="csrf-token" content="([^"]+)"/.exec(res.text())?.[1];
    if (token) this.csrf = token;
    return res;
  }

  /** Same cookies, another way in (another instance behind the load balancer). */
  via(port: number): Browser {
    const b = new Browser(port, this.clientIp);
    b.cookies = this.cookies;
    b.csrf = this.csrf;
    return b;
  }

  async get(p: string, headers: Record<string, string | number> = {}): Promise<Res> {
    return this.remember(await request(this.port, { path: p, headers: this.headers(headers), timeoutMs: this.timeoutMs }));
  }

  async postForm(p: string, fields: Record<string, string>): Promise<Res> {
    const body = new URLSearchParams({ ...fields, _csrf: this.csrf }).toString();
    return this.remember(
      await request(this.port, {
        method: 'POST',
        path: p,
        body,
        timeoutMs: this.timeoutMs,
        headers: this.headers({ 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) }),
      }),
    );
  }

  /**
   * Signs up a fresh musician, confirms the address from the mail the stack's worker wrote to
   * its outbox (`mailDirs`: the outbox folders of every stack whose worker may send it), and
   * logs in; the session cookie is then in the jar.
   */
  async signUp(mailDirs: string[]): Promise<string> {
    const nickname = `m${randomBytes(5).toString('hex')}`;
    const email = `${nickname}@example.test`;
    const password = 'correct horse battery staple';
    await this.get('/signup');
    const res = await this.postForm('/signup', { email, nickname, password });
    if (res.status !== 303) throw new Error(`sign-up answered ${res.status}: ${res.text().slice(0, 500)}`);
    const link = await waitForMailLink(mailDirs, email, Math.min(this.timeoutMs, 120_000));
    await this.get(link.pathname + link.search);
    const confirmed = await this.postForm('/verify-email', { token: link.searchParams.get('token')! });
    if (confirmed.status !== 303) throw new Error(`confirming the email answered ${confirmed.status}: ${confirmed.text().slice(0, 500)}`);
    this.account = { email, password };
    await this.logIn();
    return nickname;
  }

  /** The address and password of the musician this browser signed up. */
  account?: { email: string; password: string };

  /** Logs in as the musician this browser signed up, as the log-in page does. */
  async logIn(): Promise<void> {
    if (!this.account) throw new Error('sign up first');
    await this.get('/login');
    const login = await this.postForm('/login', this.account);
    if (login.status !== 303) throw new Error(`log-in answered ${login.status}: ${login.text().slice(0, 500)}`);
    // Signing in regenerates the session: fetch a page for the new session's token.
    await this.get('/posts/new');
  }

  /** Forgets the session, as a musician on another device would have none. */
  forgetSession(): void {
    this.cookies.clear();
    this.csrf = '';
  }

  /** POST /posts as the upload form's fetch() does: multipart streamed from disk. */
  async uploadPost(file: string, opts: { title?: string; bytesPerSecond?: number; onRequestSent?: () => void } = {}): Promise<Res> {
    const { stream, length, contentType } = multipart(
      { title: opts.title ?? 'Stack test song', genre: 'rock', instrument: 'guitar' },
      { field: 'audio', file, filename: path.basename(file), type: 'audio/wav' },
      opts.bytesPerSecond,
    );
    return this.remember(
      await request(this.port, {
        method: 'POST',
        path: '/posts',
        body: stream,
        timeoutMs: 300_000,
        headers: this.headers({ 'Content-Type': contentType, 'Content-Length': length, 'X-CSRF-Token': this.csrf, Accept: 'text/html' }),
      }),
    );
  }
  /** POST /posts/:id/contributions asking for JSON, as the part upload's fetch() does. */
  async uploadPart(postId: number, file: string, fields: { instrument: string; note?: string }): Promise<Res> {
    const { stream, length, contentType } = multipart({ note: '', ...fields }, { field: 'audio', file, filename: path.basename(file), type: 'audio/mpeg' });
    return this.remember(
      await request(this.port, {
        method: 'POST',
        path: `/posts/${postId}/contributions`,
        body: stream,
        timeoutMs: 300_000,
        headers: this.headers({ 'Content-Type': contentType, 'Content-Length': length, 'X-CSRF-Token': this.csrf, Accept: 'application/json' }),
      }),
    );
  }
}

/** A multipart/form-data body whose file part is read from disk (optionally throttled). */
export function multipart(
  fields: Record<string, string>,
  file: { field: string; file: string; filename: string; type: string },
  bytesPerSecond?: number,
): { stream: Readable; length: number; contentType: string } {
  const boundary = `----soundhub${randomBytes(12).toString('hex')}`;
  const head =
    Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`;
  const foot = `\r\n--${boundary}--\r\n`;
  const size = statSize(file.file);
  async function* parts() {
    yield Buffer.from(head);
    const started = Date.now();
    let sent = 0;
    for await (const chunk of createReadStream(file.file, { highWaterMark: 256 * 1024 })) {
      yield chunk as Buffer;
      sent += (chunk as Buffer).length;
      if (bytesPerSecond) {
        const due = started + (sent / bytesPerSecond) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }
    yield Buffer.from(foot);
  }
  return {
    stream: Readable.from(parts()),
    length: Buffer.byteLength(head) + size + Buffer.byteLength(foot),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

function statSize(file: string): number {
  return statSync(file).size;
}

// ---------------------------------------------------------------------------------------
// Audio the app accepts: a real WAV (ffprobe decodes it), written fast.

/**
 * A 16-bit stereo 48 kHz PCM WAV of about `bytes` bytes. The samples are quiet noise from a
 * fixed-seed generator: every region of the file is different, so a Range answer that is
 * off by any offset shows up as a mismatch.
 */
export async function writeWav(file: string, bytes: number): Promise<number> {
  const channels = 2;
  const rate = 48_000;
  const frameBytes = channels * 2;
  const dataBytes = Math.floor((bytes - 44) / frameBytes) * frameBytes;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * frameBytes, 28);
  header.writeUInt16LE(frameBytes, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);

  const out = await open(file, 'w');
  try {
    await out.write(header);
    const chunk = Buffer.alloc(4 * 1024 * 1024);
    let state = 0x9e3779b9;
    for (let written = 0; written < dataBytes; ) {
      const n = Math.min(chunk.length, dataBytes - written);
      for (let i = 0; i < n; i += 2) {
        // xorshift32, scaled down to a quiet hiss (about -40 dBFS).
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk.writeInt16LE((state >> 22) | 0, i);
      }
      await out.write(chunk, 0, n);
      written += n;
    }
  } finally {
    await out.close();
  }
  return 44 + dataBytes;
}

/** The front nginx of the several-instances test: a load balancer over stacks. */
export async function startBalancer(ports: number[]): Promise<{ port: number; stop(): Promise<void> }> {
  const dir = await makeTempDir('soundhub-lb-');
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  await mkdir(path.join(dir, 'tmp'), { recursive: true });
  await writeFile(
    conf,
    `pid ${dir}/nginx.pid;
error_log stderr warn;
worker_processes 1;
events { worker_connections 256; }
http {
  client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi; uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
  access_log off;
  client_max_body_size 0;
  proxy_request_buffering off;
  upstream instances { ${ports.map((p) => `server 127.0.0.1:${p};`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://instances;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
    }
  }
}
`,
  );
  if (runAs) chownSync(path.join(dir, 'tmp'), runAs.uid, runAs.gid);
  const child = spawn('nginx', ['-e', 'stderr', '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'], ...(runAs ?? {}) });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`balancer nginx exited: ${stderr}`);
    return (await request(port, { path: '/healthz' }).catch(() => undefined))?.status === 200;
  }, 15_000);
  return {
    port,
    async stop() {
      child.kill('SIGQUIT');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function readText(file: string): Promise<string> {
  return existsSync(file) ? readFile(file, 'utf8') : '';
}

/**
 * The object a web process hands to nginx (AUDIO_VIA_NGINX): asks Node directly for `p`, reads
 * the presigned S3 URL out of its X-Accel-Redirect and fetches it, as nginx would.
 */
export async function objectBehindHandoff(webPort: number, p: string): Promise<Buffer> {
  const handoff = await request(webPort, { path: p, headers: VIA_HTTPS });
  const target = String(handoff.headers['x-accel-redirect'] ?? '');
  const m = /^\/_media\/[^/]+\/[^/]+\/[^/]+\/(https?)\/([^/]+)(\/.*)$/.exec(target);
  if (!m) throw new Error(`${p}: no handoff to nginx (status ${handoff.status}, X-Accel-Redirect "${target}")`);
  const url = new URL(`${m[1]}://${m[2]}${m[3]}`);
  const res = await request(Number(url.port), { path: url.pathname + url.search });
  if (res.status !== 200) throw new Error(`${p}: S3 answered ${res.status} to the handed-over URL`);
  return res.body;
}
