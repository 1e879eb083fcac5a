import http from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * GET /metrics in Prometheus text on its own port, bound to loopback by default (METRICS_HOST):
 * only the instance reaches it, never the load balancer (nginx does not proxy it). A port
 * that is taken is logged, not fatal: metrics are not worth a restart loop.
 */
export function startMetricsServer(registry: Registry, { host, port }: { host: string; port: number }, log: Logger): Promise<MetricsServer | undefined> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (err: unknown) => {
        log.warn({ err }, 'metrics collection failed');
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics collection failed\n');
      },
    );
  });
  return new Promise((resolve) => {
    server.once('error', (err) => {
      log.error({ err, host, port }, 'metrics endpoint not started');
      resolve(undefined);
    });
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      log.info({ host, port: bound }, 'metrics endpoint listening');
      resolve({ port: bound, close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * Where a process serves /metrics: the worker on METRICS_PORT, web process i on
 * METRICS_PORT + 1 + i. pm2 runs the web processes in Node's cluster mode, where the primary is
 * pm2 itself, so prom-client's AggregatorRegistry (which runs in the primary) cannot be used;
 * and one shared port would hand each scrape to whichever process is next. Undefined: off.
 */
export function metricsAddress(config: { metrics: { host: string; port: number; instance: number } }, role: 'web' | 'worker'): { host: string; port: number } | undefined {
  const { host, port, instance } = config.metrics;
  if (!port) return undefined;
  return { host, port: role === 'worker' ? port : port + 1 + instance };
}
