import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { emfDocument, quantile, type EmfDocument } from './emf.js';

/**
 * What a process counts, kept two ways: prom-client's registry (scraped from /metrics on the
 * instance) and a per-interval aggregate written as CloudWatch EMF lines to the JSON log
 * every 60 s, one line per route group and queue plus a rollup, so the log stays small
 * whatever the traffic. Built once per process at the edge (src/runtime.ts).
 */
export interface Metrics {
  registry: Registry;
  /** One finished HTTP request: its route group (never the raw URL), status and time. */
  request(routeGroup: string, status: number, ms: number): void;
  /** Bytes of an accepted upload. */
  upload(bytes: number): void;
  /** One job run (done or failed) on `queue`, and how long it took. */
  job(queue: string, ms: number): void;
  /** Jobs waiting on `queue` now (pg-boss getQueueSize). */
  queueDepth(queue: string, depth: number): void;
  /** The worker wrote its heartbeat row. */
  heartbeat(): void;
  /** Writes this interval's EMF lines and starts the next interval. */
  flush(): void;
  /** Stops the interval timer, writing what is left. */
  stop(): void;
}

/** CloudWatch's standard resolution; one EMF line per group per minute. */
const INTERVAL_MS = 60_000;
/** EMF takes at most 100 values per metric per line. */
const MAX_VALUES = 100;

interface RouteWindow {
  count: number;
  errors: number;
  latencies: number[];
}

export function createMetrics({ log, intervalMs = INTERVAL_MS }: { log: Logger; intervalMs?: number }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'soundhub_' });
  const requests = new Counter({ name: 'soundhub_http_requests_total', help: 'HTTP requests by route group and status class', labelNames: ['route_group', 'status_class'], registers: [registry] });
  const latency = new Histogram({
    name: 'soundhub_http_request_duration_seconds',
    help: 'HTTP request time by route group',
    labelNames: ['route_group'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const uploadBytes = new Counter({ name: 'soundhub_upload_bytes_total', help: 'Bytes of accepted uploads', registers: [registry] });
  const jobSeconds = new Histogram({
    name: 'soundhub_job_duration_seconds',
    help: 'Job run time by queue',
    labelNames: ['queue'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
    registers: [registry],
  });
  const depth = new Gauge({ name: 'soundhub_queue_depth', help: 'Jobs waiting by queue', labelNames: ['queue'], registers: [registry] });
  const lastBeat = new Gauge({ name: 'soundhub_worker_heartbeat_timestamp_seconds', help: 'When the worker last wrote its heartbeat row', registers: [registry] });

  // Lines go out at info even when LOG_LEVEL is warn: they are the metrics, not chatter.
  const out = log.level === 'silent' ? log : log.child({}, { level: 'info' });
  let routes = new Map<string, RouteWindow>();
  let uploaded = 0;
  let jobs = new Map<string, number[]>();
  let depths = new Map<string, number>();
  let beats = 0;

  const write = (doc: EmfDocument) => out.info(doc, 'metrics');

  const metrics: Metrics = {
    registry,
    request(routeGroup, status, ms) {
      const statusClass = `${Math.floor(status / 100)}xx`;
      requests.inc({ route_group: routeGroup, status_class: statusClass });
      latency.observe({ route_group: routeGroup }, ms / 1000);
      const w = routes.get(routeGroup) ?? { count: 0, errors: 0, latencies: [] };
      w.count++;
      if (status >= 500) w.errors++;
      w.latencies.push(ms);
      routes.set(routeGroup, w);
    },
    upload(bytes) {
      uploadBytes.inc(bytes);
      uploaded += bytes;
    },
    job(queue, ms) {
      jobSeconds.observe({ queue }, ms / 1000);
      jobs.set(queue, [...(jobs.get(queue) ?? []), ms]);
    },
    queueDepth(queue, n) {
      depth.set({ queue }, n);
      depths.set(queue, n);
    },
    heartbeat() {
      lastBeat.setToCurrentTime();
      beats++;
    },
    flush() {
      const now = Date.now();
      const window = { routes, uploaded, jobs, depths, beats };
      routes = new Map();
      uploaded = 0;
      jobs = new Map();
      depths = new Map();
      beats = 0;
      const all: RouteWindow = { count: 0, errors: 0, latencies: [] };
      for (const [group, w] of window.routes) {
        write(emfDocument(now, { RouteGroup: group }, requestMetrics(w)));
        all.count += w.count;
        all.errors += w.errors;
        all.latencies.push(...w.latencies);
      }
      if (all.count || window.uploaded) {
        write(emfDocument(now, {}, { ...(all.count ? requestMetrics(all) : {}), UploadBytes: { unit: 'Bytes', value: window.uploaded } }));
      }
      for (const queue of new Set([...window.depths.keys(), ...window.jobs.keys()])) {
        const durations = window.jobs.get(queue) ?? [];
        const fields: Parameters<typeof emfDocument>[2] = {};
        if (window.depths.has(queue)) fields.QueueDepth = { unit: 'Count', value: window.depths.get(queue)! };
        // Every run's time while they fit in one line; a busier minute sends its percentiles.
        if (durations.length) fields.JobDurationMs = { unit: 'Milliseconds', value: durations.length <= MAX_VALUES ? durations : [0.5, 0.9, 0.99, 1].map((q) => quantile(durations, q)) };
        write(emfDocument(now, { Queue: queue }, fields));
      }
      if (window.beats) write(emfDocument(now, {}, { WorkerHeartbeat: { unit: 'Count', value: 1 } }));
    },
    stop() {
      clearInterval(timer);
      metrics.flush();
    },
  };
  const timer = setInterval(() => metrics.flush(), intervalMs);
  timer.unref();
  return metrics;
}

function requestMetrics(w: RouteWindow): Parameters<typeof emfDocument>[2] {
  return {
    RequestCount: { unit: 'Count', value: w.count },
    Http5xxCount: { unit: 'Count', value: w.errors },
    LatencyP99: { unit: 'Milliseconds', value: Math.round(quantile(w.latencies, 0.99) * 10) / 10 },
  };
}
