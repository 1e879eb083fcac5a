import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { addContribution, measureMaster, saveMix, waitForTrack, waitForVersion } from '../../test/coproduction.js';
import { buildPost, buildUser, makeTone } from '../../test/factories.js';

let ctx: TestContext;
const children: ChildProcess[] = [];

// Expiry bounds each attempt: room for the render on a busy machine. The killed job does not
// wait for it: the sweep sees its lock free and has it retried.
const JOB_ENV = { JOB_EXPIRE_SECONDS: '60', JOB_MAINTENANCE_SECONDS: '1', JOB_RETRY_DELAY_SECONDS: '1' };

/** The real worker entry point as its own process, as pm2 runs it. */
function startWorkerProcess(): ChildProcess {
  const c = ctx.config;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: c.database.url,
      S3_BUCKET: c.s3.bucket,
      S3_ENDPOINT: c.s3.endpoint,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      SESSION_SECRET: c.sessionSecret,
      FFMPEG_PATH: c.audio.ffmpegPath,
      FFPROBE_PATH: c.audio.ffprobePath,
      ...JOB_ENV,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  ctx = await createTestContext(JOB_ENV);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await ctx.close();
});

describe('a worker killed in the middle of a mixdown', () => {
  it('loses no job: another worker picks the render up and the master appears', async () => {
    const author = await buildUser(ctx.app);
    const player = await buildUser(ctx.app);
    // Long enough stems that the render is still running when the worker is killed.
    const { id: postId } = await buildPost(author, {}, { buffer: await makeTone({ frequency: 440, seconds: 40, format: 'wav' }), name: 'long.wav' });
    const authorTrackId = (await ctx.db('posts').where({ id: postId }).first()).author_track_id;
    const part = await addContribution(player, postId, { buffer: await makeTone({ frequency: 660, seconds: 40, format: 'wav' }), name: 'long2.wav' });

    const first = startWorkerProcess();
    await waitForTrack(ctx, authorTrackId);
    await waitForTrack(ctx, part.trackId);
    await author.agent.post(`/contributions/${part.id}/include`).type('form').send({ _csrf: author.csrf });
    const saved = await saveMix(author, postId, [
      { trackId: authorTrackId, gainDb: 0, pan: 0, muted: false },
      { trackId: part.trackId, gainDb: 0, pan: 0, muted: false },
    ]);
    expect(saved.status).toBe(202);
    const versionId = saved.body.version.id as number;

    await eventually(
      async () => (await ctx.db.raw("select 1 from pgboss.job where name = 'mix-render' and state = 'active' and data->>'versionId' = ?", [String(versionId)])).rowCount,
      { everyMs: 20, what: 'the render to start' },
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect((await ctx.db('mix_versions').where({ id: versionId }).first()).status).toBe('rendering');

    startWorkerProcess();
    // Well before its 60 s expiry: the new worker sees the dead worker's lock free and retries it.
    await eventually(
      async () => (await ctx.db.raw("select 1 from pgboss.job where name = 'mix-render' and data->>'versionId' = ? and retry_count >= 1", [String(versionId)])).rowCount,
      { timeoutMs: 40_000, what: 'the lost render to be retried before its expiry' },
    );
    const version = await waitForVersion(ctx, versionId);
    expect(version.status).toBe('ready');
    // The job is marked completed just after the handler returns.
    const job = await eventually(
      async () => (await ctx.db.raw("select retry_count from pgboss.job where name = 'mix-render' and data->>'versionId' = ? and state = 'completed'", [String(versionId)])).rows[0],
      { what: 'the job to complete' },
    );
    expect(job.retry_count).toBeGreaterThanOrEqual(1);
    const levels = await measureMaster(ctx, version.master_track_id, [440, 660]);
    expect(levels[440]!.left).toBeGreaterThan(-30);
    expect(levels[660]!.left).toBeGreaterThan(-30);
    // Exactly one master track for this post's author: the killed run left no second row.
    const authorId = (await ctx.db('posts').where({ id: postId }).first()).author_id;
    expect(await ctx.db('tracks').where({ kind: 'master', owner_id: authorId }).pluck('id')).toEqual([version.master_track_id]);
  }, 180_000);
});
