import { setPriority } from 'node:os';
import { loadConfigOrExit } from './config.js';
import { metricsAddress, startMetricsServer } from './metrics/server.js';
import { createLogger } from './logger.js';
import { openRuntime } from './runtime.js';
import { startWorker } from './worker-runtime.js';

/** The worker process: config → runtime → job handlers, and a graceful stop. */
const WORKER_NICENESS = 10;
const base = loadConfigOrExit();
const log = createLogger(base, 'worker');
// The worker and its ffmpeg runs yield the CPU to the web processes on the same instance: a
// burst of uploads is answered first and processed in the time left over (the niceness is
// inherited by every child). Raising one's own niceness needs no privilege.
try {
  setPriority(WORKER_NICENESS);
} catch (err) {
  log.warn({ err }, 'could not lower the worker priority');
}
const runtime = await openRuntime(base, log);
const worker = await startWorker(runtime);
const metricsAt = metricsAddress(runtime.config, 'worker');
const metricsServer = metricsAt && (await startMetricsServer(runtime.metrics.registry, metricsAt, log));

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: finishing the jobs in hand');
  await worker.stop();
  await metricsServer?.close();
  await runtime.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
