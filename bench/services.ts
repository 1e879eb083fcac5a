/**
 * What a bench runs the container's process tree against: an embedded PostgreSQL and an
 * s3rver in a process of its own (bench/local-s3.ts), both in a temporary folder, migrated,
 * with pg-boss's schema made once. `stop()` ends them and removes the folder.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createDb, type Db } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/embedded.js';
import { startQueue } from '../src/jobs/queue.js';
import { createStorage, type Storage } from '../src/storage/s3.js';
import { freePort } from '../test/ports.js';
import { makeTempDir, removeDir, type StackS3 } from '../test/stack/harness.js';

export interface BenchServices {
  dir: string;
  databaseUrl: string;
  db: Db;
  s3: StackS3;
  storage: Storage;
  stop(): Promise<void>;
}

export async function startBenchServices(name: string): Promise<BenchServices> {
  const dir = await makeTempDir(`soundhub-${name}-`);
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await removeDir(dir);
  };
  try {
    const pgPort = await freePort();
    const pg = await startEmbeddedPostgres(path.join(dir, 'pg'), pgPort, name);
    stops.push(() => pg.stop());
    const s3Port = await freePort();
    const bucket = `soundhub-${name}`;
    const s3 = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'local-s3.ts'), path.join(dir, 's3'), String(s3Port), bucket], { stdio: ['ignore', 'pipe', 'inherit'] });
    stops.push(async () => {
      if (s3.exitCode === null) await new Promise((resolve) => s3.once('exit', resolve).kill('SIGTERM'));
    });
    await new Promise<void>((resolve, reject) => {
      s3.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      s3.once('exit', (code) => reject(new Error(`the local S3 endpoint exited with ${code}`)));
    });
    const databaseUrl = `postgres://soundhub:soundhub-local@127.0.0.1:${pgPort}/${name}`;
    const db = createDb({ url: databaseUrl });
    stops.push(() => db.destroy());
    await migrateLatest(db);
    const { jobs, database, mail } = loadConfig({ DATABASE_URL: databaseUrl });
    await (await startQueue({ jobs, mail, database: { ...database, url: databaseUrl } }, { supervise: false, log: console })).stop();
    const endpoint = `http://127.0.0.1:${s3Port}`;
    const storage = createStorage({ bucket, endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    return { dir, databaseUrl, db, s3: { endpoint, bucket }, storage, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Ctrl-C mid-bench would otherwise leave PostgreSQL, S3, nginx and pm2 running. */
export function stopOnSignal(cleanUp: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`bench: ${signal}, stopping what it started`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
}
