import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveAudioTools } from '../audio/tools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { waitForTrack } from '../../test/coproduction.js';
import { buildPost, buildUser } from '../../test/factories.js';
import { isRunning } from '../../test/processes.js';
import { TRACK_GAVE_UP } from '../tracks/process.js';

let ctx: TestContext;
let scratch: string;
let pidFile: string;

const MAX_ATTEMPTS = 2;

beforeAll(async () => {
  // Fault injection: "ffmpeg" is a script that hangs, ignores SIGTERM, and starts a child
  // that hangs too, writing both pids so the test can check they are gone. ffprobe is real.
  scratch = await mkdtemp(path.join(tmpdir(), 'soundhub-hung-ffmpeg-'));
  pidFile = path.join(scratch, 'pids');
  const script = path.join(scratch, 'ffmpeg');
  // The upload's own decode (its `-progress` run, in the web request) uses the real ffmpeg:
  // only the worker's runs hang.
  const real = resolveAudioTools(process.env).ffmpegPath;
  await writeFile(
    script,
    `#!/bin/sh\ncase " $* " in *" -progress "*) exec '${real}' "$@" ;; esac\ntrap '' TERM\necho $$ >> '${pidFile}'\nsleep 600 &\necho $! >> '${pidFile}'\nwait\n`,
  );
  await chmod(script, 0o755);
  ctx = await createTestContext(
    { FFMPEG_PATH: script, JOB_EXPIRE_SECONDS: '8', JOB_MAX_ATTEMPTS: String(MAX_ATTEMPTS), JOB_RETRY_DELAY_SECONDS: '1', JOB_MAINTENANCE_SECONDS: '1' },
  );
});
afterAll(async () => {
  await ctx.close();
  await rm(scratch, { recursive: true, force: true });
});

async function pidsSoFar(): Promise<number[]> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

describe('an upload whose ffmpeg hangs', () => {
  it('ends failed after its attempts with the reason on the post page, and leaves no process running', async () => {
    const author = await buildUser(ctx.app);
    const { id: postId } = await buildPost(author);
    const trackId = (await ctx.db('posts').where({ id: postId }).first()).author_track_id as string;
    const worker = await ctx.startWorker();

    const track = await waitForTrack(ctx, trackId, 'failed');
    expect(track.failure_reason).toBe(TRACK_GAVE_UP['too-long']);
    expect(track.attempts).toBe(MAX_ATTEMPTS);

    // An attempt reaching ffmpeg started the shell and its child: all of them ended.
    const pids = await pidsSoFar();
    expect(pids.length).toBeGreaterThanOrEqual(2);
    for (const pid of pids) await expect.poll(() => isRunning(pid), { timeout: 3000 }).toBe(false);

    const page = await author.agent.get(`/posts/${postId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Processing took too long; try a shorter or compressed file.');
    expect(page.text).not.toContain('Processing: making the streaming version');

    // The job completed on its last attempt instead of waiting for more retries.
    const job = await eventually(
      async () => (await ctx.db.raw("select state from pgboss.job where name = 'track-process' and data->>'trackId' = ? and state = 'completed'", [trackId])).rows[0],
      { timeoutMs: 10_000, what: 'the job to complete' },
    );
    expect(job.state).toBe('completed');

    // The sweep leaves the failed row alone, however stale it looks.
    await ctx.db('tracks').where({ id: trackId }).update({ updated_at: ctx.db.raw("now() - interval '1 hour'") });
    const jobsBefore = (await ctx.db.raw("select count(*)::int as n from pgboss.job where data->>'trackId' = ?", [trackId])).rows[0].n;
    await new Promise((r) => setTimeout(r, 3000)); // three sweeps at JOB_MAINTENANCE_SECONDS=1
    const after = await ctx.db('tracks').where({ id: trackId }).first();
    expect({ status: after.status, attempts: after.attempts }).toEqual({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect((await ctx.db.raw("select count(*)::int as n from pgboss.job where data->>'trackId' = ?", [trackId])).rows[0].n).toBe(jobsBefore);
    expect(await readFile(pidFile, 'utf8')).toBe(pids.join('\n') + '\n');
    await worker.stop();
  }, 90_000);

  it('is ended when the worker stops, and the interrupted attempt does not count', async () => {
    // A job with plenty of time left, so the stop (not the deadline) ends it.
    const roomy = await createTestContext({ FFMPEG_PATH: ctx.config.audio.ffmpegPath, JOB_EXPIRE_SECONDS: '120', JOB_MAX_ATTEMPTS: String(MAX_ATTEMPTS) });
    try {
      const author = await buildUser(roomy.app);
      const { id: postId } = await buildPost(author);
      const trackId = (await roomy.db('posts').where({ id: postId }).first()).author_track_id as string;
      const before = await pidsSoFar();
      const worker = await roomy.startWorker();
      const pids = await eventually(async () => {
        const now = await pidsSoFar();
        return now.length >= before.length + 2 ? now.slice(before.length) : undefined;
      }, { timeoutMs: 20_000, everyMs: 100, what: 'the hung ffmpeg to start' });
      expect(await roomy.db('tracks').where({ id: trackId }).first('attempts')).toEqual({ attempts: 1 });

      const stopping = Date.now();
      await worker.stop();
      // The stop's grace, then SIGTERM (ignored) and SIGKILL: well inside the container's stop timeout.
      expect(Date.now() - stopping).toBeLessThan(9000);
      for (const pid of pids) expect(isRunning(pid)).toBe(false);
      expect(await roomy.db('tracks').where({ id: trackId }).first('status', 'attempts')).toEqual({ status: 'processing', attempts: 0 });
    } finally {
      await roomy.close();
    }
  }, 90_000);
});
