import { spawn } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { waitForTrack } from '../../test/coproduction.js';
import { buildPost, buildUser } from '../../test/factories.js';
import { MASTER_GAVE_UP } from '../mixes/render.js';
import { QUEUES } from './queue.js';

let ctx: TestContext;
const MAX_ATTEMPTS = 2;

beforeAll(async () => {
  ctx = await createTestContext({ JOB_EXPIRE_SECONDS: '20', JOB_MAX_ATTEMPTS: String(MAX_ATTEMPTS), JOB_RETRY_DELAY_SECONDS: '1', JOB_MAINTENANCE_SECONDS: '1' });
});
afterAll(async () => {
  await ctx.close();
});

/** A post made while no worker runs: its track waits, processing, with its job queued. */
async function waitingTrack() {
  const author = await buildUser(ctx.app);
  const { id: postId } = await buildPost(author);
  const post = await ctx.db('posts').where({ id: postId }).first();
  return { author, postId, trackId: post.author_track_id as string };
}

const jobsOf = async (trackId: string) =>
  (await ctx.db.raw('select state, retry_count from pgboss.job where name = ? and data->>? = ? order by created_on', [QUEUES.processTrack, 'trackId', trackId])).rows as Array<{ state: string; retry_count: number }>;

/** The pid of a process that has ended (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn('/bin/true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('jobs that go missing or find their row busy', () => {
  it('re-sends a track whose job was lost, and it finishes', async () => {
    const { trackId } = await waitingTrack();
    expect(await jobsOf(trackId)).toHaveLength(1);
    // Fault: the job row is gone (as if the enqueue never happened), long ago.
    await ctx.db.raw('delete from pgboss.job where name = ? and data->>? = ?', [QUEUES.processTrack, 'trackId', trackId]);
    await ctx.db('tracks').where({ id: trackId }).update({ updated_at: ctx.db.raw("now() - interval '1 hour'") });

    const worker = await ctx.startWorker();
    try {
      const track = await waitForTrack(ctx, trackId, 'ready');
      expect(track.attempts).toBe(1);
      // The job goes on after the row is ready (tempo, key and alignment), then completes.
      await eventually(async () => (await jobsOf(trackId)).every((j) => j.state === 'completed'), { what: 'the re-sent job to complete' });
      expect((await jobsOf(trackId)).map((j) => j.state)).toEqual(['completed']);
    } finally {
      await worker.stop();
    }
  });

  it('retries while another run holds the lock, without using an attempt, and finishes once it is free', async () => {
    const { trackId } = await waitingTrack();
    // A live run elsewhere: the same advisory lock the worker takes, held on our connection.
    const holder = new pg.Client({ connectionString: ctx.config.database.url });
    await holder.connect();
    await holder.query('select pg_advisory_lock(hashtext($1), hashtext($2))', [QUEUES.processTrack, trackId]);
    const worker = await ctx.startWorker();
    try {
      await eventually(async () => (await jobsOf(trackId)).some((j) => j.retry_count >= 1), { timeoutMs: 20_000, what: 'a retry after Busy' });
      expect(await ctx.db('tracks').where({ id: trackId }).first('status', 'attempts')).toEqual({ status: 'processing', attempts: 0 });

      await holder.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', [QUEUES.processTrack, trackId]);
      const track = await waitForTrack(ctx, trackId, 'ready');
      expect(track.attempts).toBe(1);
    } finally {
      await holder.end();
      await worker.stop();
    }
  });

  it('fails a master whose attempts were all lost instead of rendering it again', async () => {
    const { author, postId, trackId } = await waitingTrack();
    // Only the version is under test: the song's own track needs no processing here.
    await ctx.db.raw('delete from pgboss.job where name = ? and data->>? = ?', [QUEUES.processTrack, 'trackId', trackId]);
    const user = await ctx.db('users').where({ nickname: author.nickname }).first('id');
    // Fault: every attempt at this version ended with its worker (nobody marked it failed).
    const [version] = await ctx.db('mix_versions')
      .insert({ post_id: postId, number: 1, created_by: user.id, attempts: MAX_ATTEMPTS, attempted_at: ctx.db.raw("now() - interval '1 hour'") })
      .returning('id');
    const worker = await ctx.startWorker();
    try {
      const failed = await eventually(async () => {
        const v = await ctx.db('mix_versions').where({ id: version.id }).first();
        return v.status === 'failed' ? v : undefined;
      }, { timeoutMs: 20_000, what: 'the sweep to fail the version' });
      expect(failed.failure_reason).toBe(MASTER_GAVE_UP.failed);
      expect(failed.attempts).toBe(MAX_ATTEMPTS);
      const sent = await ctx.db.raw("select count(*)::int as n from pgboss.job where name = ? and data->>'versionId' = ?", [QUEUES.renderMix, String(version.id)]);
      expect(sent.rows[0].n).toBe(0);
      const page = await author.agent.get(`/posts/${postId}`);
      expect(page.text).toContain(MASTER_GAVE_UP.failed);
    } finally {
      await worker.stop();
    }
  });

  it('clears the work folders of workers that are gone when it starts, and keeps those of live ones', async () => {
    const dead = path.join(tmpdir(), `soundhub-job-${await deadPid()}-track-lefttest`);
    const sleeper = spawn('sleep', ['60']);
    const live = path.join(tmpdir(), `soundhub-job-${sleeper.pid}-track-livetest`);
    try {
      for (const dir of [dead, live]) {
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, 'original.wav'), 'leftover');
      }
      const worker = await ctx.startWorker();
      await worker.stop();
      await expect(stat(dead)).rejects.toMatchObject({ code: 'ENOENT' });
      expect((await stat(live)).isDirectory()).toBe(true);
    } finally {
      sleeper.kill('SIGKILL');
      await rm(dead, { recursive: true, force: true });
      await rm(live, { recursive: true, force: true });
    }
  });
});
