import { createApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { metricsAddress, startMetricsServer } from './metrics/server.js';
import { createLogger } from './logger.js';
import { openRuntime } from './runtime.js';
import { startWorker } from './worker-runtime.js';

/** The web process: config → runtime → app → listen, and a graceful stop on SIGTERM/SIGINT. */
const base = loadConfigOrExit();
const log = createLogger(base, 'web');
const runtime = await openRuntime(base, log);
// On embedded defaults one `npm start` is the whole site, so the worker runs in-process;
// in the container it is its own pm2 app.
const worker = runtime.embedded ? await startWorker(runtime) : undefined;
const app = createApp(runtime);
const metricsAt = metricsAddress(runtime.config, 'web');
const metricsServer = metricsAt && (await startMetricsServer(runtime.metrics.registry, metricsAt, log));
const server = app.listen(runtime.config.port, runtime.config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : runtime.config.port;
  const url = `http://localhost:${port}`;
  log.info({ port, url }, `SoundHub is running at ${url}`);
  if (process.stdout.isTTY) console.log(`\n  SoundHub is running at ${url}\n`);
});
// Longer than the load balancer's 60 s idle timeout, so it never reuses a socket we closed.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// Receiving a whole request (an upload's body included) has the upload limit; answers
// that do not start in time get 503 from the app's own timer (src/web/time-limit.ts).
server.requestTimeout = runtime.config.uploadTimeoutMs;

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: no new connections, finishing requests in flight');
  // close() waits for in-flight requests; idle keep-alive sockets are closed now.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  await worker?.stop();
  await metricsServer?.close();
  await runtime.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
