import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrate.js';
import { startEmbeddedPostgres, startLocalS3 } from '../src/embedded.js';
import { freePort } from './ports.js';
import { startQueue } from '../src/jobs/queue.js';
import { loadConfig } from '../src/config.js';
import { resolveAudioTools } from '../src/audio/tools.js';

/**
 * One real PostgreSQL and one S3-protocol server for the whole run. Migrations run once
 * into a template database; each test file clones it (CREATE DATABASE … TEMPLATE), so
 * files run in parallel without truncating each other's rows.
 */
export const TEMPLATE_DB = 'soundhub_template';
export const TEST_BUCKET = 'soundhub-test';

export default async function setup(project: TestProject) {
  await checkAudioTools();
  const dir = await mkdtemp(path.join(tmpdir(), 'soundhub-test-'));
  const { chmod } = await import('node:fs/promises');
  await chmod(dir, 0o755); // the postgres user (when running as root) must reach it
  const pgPort = await freePort();
  const s3Port = await freePort();
  const pg = await startEmbeddedPostgres(path.join(dir, 'pg'), pgPort, TEMPLATE_DB);
  const s3 = await startLocalS3(path.join(dir, 's3'), s3Port, TEST_BUCKET);
  const adminUrl = `postgres://soundhub:soundhub-local@127.0.0.1:${pgPort}`;
  const db = createDb({ url: `${adminUrl}/${TEMPLATE_DB}` });
  await migrateLatest(db);
  await db.destroy();
  // pg-boss makes its schema and queues once here, so every cloned database has them.
  const { jobs, database, mail } = loadConfig({});
  const queue = await startQueue({ jobs, mail, database: { ...database, url: `${adminUrl}/${TEMPLATE_DB}` } }, { supervise: false, log: console });
  await queue.stop();

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgDataDir', path.join(dir, 'pg'));
  project.provide('s3Endpoint', `http://127.0.0.1:${s3Port}`);
  project.provide('s3Bucket', TEST_BUCKET);

  return async () => {
    await s3.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}

/**
 * The audio tests and the worker need ffmpeg and ffprobe: without them a run must stop here
 * with the reason, not pass with the audio tests quietly not run.
 */
async function checkAudioTools(): Promise<void> {
  const tools = resolveAudioTools(process.env);
  const checks = [
    { name: 'ffmpeg', path: tools.ffmpegPath, variable: 'FFMPEG_PATH' },
    { name: 'ffprobe', path: tools.ffprobePath, variable: 'FFPROBE_PATH' },
  ];
  for (const { name, path: binary, variable } of checks) {
    const error = await new Promise<Error | null>((resolve) => execFile(binary, ['-version'], { timeout: 30_000 }, (err) => resolve(err)));
    if (error) {
      throw new Error(
        `The tests need ${name}, and "${binary}" cannot be run (${(error as NodeJS.ErrnoException).code ?? error.message}). ` +
          `Install Debian's ffmpeg (apt-get install ffmpeg), or set ${variable} to a ${name} binary that runs.`,
      );
    }
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgDataDir: string;
    s3Endpoint: string;
    s3Bucket: string;
  }
}
