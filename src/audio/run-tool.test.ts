import { describe, expect, it } from 'vitest';
import { isRunning } from '../../test/processes.js';
import { KILL_GRACE_MS, runTool, ToolInterrupted } from './run-tool.js';

// A stand-in for a hung ffmpeg: ignores SIGTERM, starts a child that does too, prints its pid.
const STUBBORN = 'trap "" TERM; sleep 60 & echo $!; wait';

describe('runTool', () => {
  it('ends a run and everything it started when the signal aborts: SIGTERM, then SIGKILL after the grace', async () => {
    const controller = new AbortController();
    let childPid = 0;
    const started = Date.now();
    const run = runTool('/bin/sh', ['-c', STUBBORN], {
      signal: controller.signal,
      onStdout: (chunk) => {
        childPid = Number(chunk.toString().trim());
        controller.abort(new Error('deadline'));
      },
    });
    await expect(run).rejects.toBeInstanceOf(ToolInterrupted);
    const took = Date.now() - started;
    expect(childPid).toBeGreaterThan(0);
    // It ignored SIGTERM, so only the SIGKILL after the grace ended it.
    expect(took).toBeGreaterThanOrEqual(KILL_GRACE_MS);
    expect(took).toBeLessThan(KILL_GRACE_MS + 5000);
    await expect.poll(() => isRunning(childPid), { timeout: 2000 }).toBe(false);
  });

  it('runs the tool at the niceness asked for, and at the caller\'s own without one', async () => {
    // Field 19 of /proc/<pid>/stat is the niceness; the shell reads its own after the change lands.
    const niceOf = async (niceness?: number) => {
      const run = await runTool('/bin/sh', ['-c', 'sleep 0.3; cut -d" " -f19 /proc/$$/stat'], { niceness });
      return Number(run.stdout.toString().trim());
    };
    const own = await niceOf();
    expect(await niceOf(7)).toBe(Math.max(7, own));
    expect(await niceOf()).toBe(own);
  });

  it('does not start when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('the worker is stopping'));
    await expect(runTool('/bin/true', [], { signal: controller.signal })).rejects.toThrow(/not starting .*the worker is stopping/);
  });

  it('leaves a run that finishes alone', async () => {
    const run = await runTool('/bin/sh', ['-c', 'echo done'], { signal: new AbortController().signal });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.toString()).toBe('done\n');
  });
});
