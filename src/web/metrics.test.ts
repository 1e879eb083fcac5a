import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import type { EmfDocument } from '../metrics/emf.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { startMetricsServer, type MetricsServer } from '../metrics/server.js';
import { createStorage } from '../storage/s3.js';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildPost, buildUser, makeTone, rememberDatabase } from '../../test/factories.js';
import { routeGroup } from './metrics.js';

const GROUPS = ['pages', 'uploads', 'audio', 'api', 'auth', 'health', 'static', 'other'];

let ctx: TestContext;
let metrics: Metrics;
let server: MetricsServer;
const lines: string[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  // The process's JSON log, as pino writes it to stdout, captured line by line.
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  metrics = createMetrics({ log: pino({ level: 'warn' }, destination), intervalMs: 3_600_000 });
  server = (await startMetricsServer(metrics.registry, { host: '127.0.0.1', port: 0 }, pino({ level: 'silent' })))!;
});
afterAll(async () => {
  metrics.stop();
  await server.close();
  await ctx.close();
});

describe('metrics', () => {
  it('route groups come from a fixed list, never from ids or names in the URL', () => {
    const req = (method: string, path: string, type = '') => routeGroup({ method, path, headers: { 'content-type': type } });
    expect(req('GET', '/')).toBe('pages');
    expect(req('GET', `/posts/${12345}`)).toBe('pages');
    expect(req('GET', `/tracks/${randomUUID()}/stream`)).toBe('audio');
    expect(req('POST', '/posts/7/contributions', 'multipart/form-data; boundary=x')).toBe('uploads');
    expect(req('POST', '/login', 'application/x-www-form-urlencoded')).toBe('auth');
    expect(req('GET', '/readyz')).toBe('health');
    expect(req('GET', '/wp-admin/setup.php')).toBe('other');
    expect(req('GET', '/constructor')).toBe('other');
  });

  it('writes EMF lines per route group and a rollup, and serves the same counts on /metrics', async () => {
    const app = rememberDatabase(createApp({ ...ctx, metrics }), ctx.db);
    // An app whose bucket is gone: its /readyz answers 503, a real 5xx.
    const broken = createApp({ ...ctx, storage: createStorage({ ...ctx.config.s3, bucket: 'no-such-bucket' }), metrics });
    const musician = await buildUser(app);
    const mp3 = await makeTone({ seconds: 2, format: 'mp3' });
    const post = await buildPost(musician, {}, { buffer: mp3, name: 'idea.mp3' });
    const trackId = randomUUID();
    await supertest(app).get(`/tracks/${trackId}/stream`).expect(404);
    await supertest(app).get(`/users/${musician.nickname}`).expect(200);
    await supertest(app).get('/healthz').expect(200);
    await supertest(broken).get('/readyz').expect(503);
    lines.length = 0;
    metrics.flush();

    const docs = lines.map((l) => JSON.parse(l) as EmfDocument & Record<string, unknown>);
    expect(docs.every((d) => d.msg === 'metrics')).toBe(true);
    for (const doc of docs) {
      expect(doc._aws.Timestamp).toBeTypeOf('number');
      expect(doc._aws.CloudWatchMetrics).toHaveLength(1);
      const [directive] = doc._aws.CloudWatchMetrics;
      expect(directive!.Namespace).toBe('SoundHub');
      // Every dimension and metric the directive names is a field of the line.
      for (const name of directive!.Dimensions.flat()) expect(doc[name]).toBeTypeOf('string');
      for (const m of directive!.Metrics) expect(typeof doc[m.Name] === 'number' || Array.isArray(doc[m.Name])).toBe(true);
    }
    const byGroup = new Map(docs.filter((d) => d.RouteGroup).map((d) => [d.RouteGroup as string, d]));
    expect([...byGroup.keys()].every((g) => GROUPS.includes(g))).toBe(true);
    expect(byGroup.get('uploads')).toMatchObject({ RequestCount: 1, Http5xxCount: 0 });
    expect(byGroup.get('audio')).toMatchObject({ RequestCount: 1, Http5xxCount: 0 });
    expect(byGroup.get('health')).toMatchObject({ RequestCount: 2, Http5xxCount: 1 });
    expect(byGroup.get('uploads')!._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'SoundHub',
      Dimensions: [['RouteGroup']],
      Metrics: [
        { Name: 'RequestCount', Unit: 'Count' },
        { Name: 'Http5xxCount', Unit: 'Count' },
        { Name: 'LatencyP99', Unit: 'Milliseconds' },
      ],
    });
    expect(byGroup.get('uploads')!.LatencyP99).toBeGreaterThan(0);

    const rollup = docs.find((d) => !d.RouteGroup && 'RequestCount' in d)!;
    expect(rollup._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([[]]);
    const total = [...byGroup.values()].reduce((n, d) => n + (d.RequestCount as number), 0);
    expect(rollup).toMatchObject({ RequestCount: total, Http5xxCount: 1, UploadBytes: mp3.length });
    expect(rollup.LatencyP99).toBeGreaterThanOrEqual(Math.max(...[...byGroup.values()].map((d) => d.LatencyP99 as number)));
    expect(lines.join('\n')).not.toContain(trackId);
    expect(lines.join('\n')).not.toContain(musician.nickname);
    expect(lines.join('\n')).not.toContain(`/posts/${post.id}`);

    // A flushed interval starts from zero: nothing happened since, nothing is written.
    lines.length = 0;
    metrics.flush();
    expect(lines).toEqual([]);

    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^soundhub_http_requests_total\{route_group="uploads",status_class="3xx"\} 1$/m);
    expect(text).toMatch(/^soundhub_http_requests_total\{route_group="health",status_class="5xx"\} 1$/m);
    expect(text).toMatch(/^soundhub_http_requests_total\{route_group="audio",status_class="4xx"\} 1$/m);
    expect(text).toMatch(new RegExp(`^soundhub_upload_bytes_total ${mp3.length}$`, 'm'));
    expect(text).toMatch(/^soundhub_http_request_duration_seconds_count\{route_group="uploads"\} 1$/m);
    expect(text).toContain('soundhub_process_resident_memory_bytes');
    for (const [, group] of text.matchAll(/route_group="([^"]*)"/g)) expect(GROUPS).toContain(group);
    expect(text).not.toContain(musician.nickname);
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
  });
});
