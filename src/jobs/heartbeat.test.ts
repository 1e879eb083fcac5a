import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.js';
import { startWorker } from '../worker-runtime.js';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ WORKER_HEARTBEAT_SECONDS: '1' });
});
afterAll(() => ctx.close());

describe('worker heartbeat', () => {
  it('a running worker keeps its row fresh and reports WorkerHeartbeat and queue depths; a stopped one removes its row', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const metrics = createMetrics({ log: pino({ level: 'info' }, destination), intervalMs: 3_600_000 });
    const worker = await startWorker({ ...ctx, metrics });
    try {
      const row = await eventually(() => ctx.db('worker_heartbeats').where({ host: hostname(), pid: process.pid }).first(), { what: 'the heartbeat row' });
      // It beats again: beat_at moves on.
      await eventually(async () => {
        const again = await ctx.db('worker_heartbeats').where({ id: row.id }).first();
        return again.beat_at.getTime() > row.beat_at.getTime();
      }, { what: 'a second beat', timeoutMs: 10_000 });

      metrics.flush();
      const docs = lines.map((l) => JSON.parse(l));
      const heartbeat = docs.find((d) => 'WorkerHeartbeat' in d);
      expect(heartbeat).toMatchObject({ WorkerHeartbeat: 1 });
      expect(heartbeat._aws.CloudWatchMetrics[0]).toEqual({ Namespace: 'SoundHub', Dimensions: [[]], Metrics: [{ Name: 'WorkerHeartbeat', Unit: 'Count' }] });
      for (const queue of ['track-process', 'mix-render']) {
        const doc = docs.find((d) => d.Queue === queue);
        expect(doc).toMatchObject({ QueueDepth: 0 });
        expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Queue']]);
      }
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/^soundhub_queue_depth\{queue="track-process"\} 0$/m);
      expect(text).toMatch(/^soundhub_worker_heartbeat_timestamp_seconds \d+/m);
    } finally {
      await worker.stop();
      metrics.stop();
    }
    expect(await ctx.db('worker_heartbeats').where({ host: hostname(), pid: process.pid })).toEqual([]);
  });
});
