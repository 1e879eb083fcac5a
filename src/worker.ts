import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { openRuntime } from './runtime.js';
import { startWorker } from './worker-runtime.js';

/** The worker process: config → runtime → job handlers, and a graceful stop. */
const base = loadConfigOrExit();
const log = createLogger(base, 'worker');
const runtime = await openRuntime(base, log);
const worker = await startWorker(runtime);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: finishing the jobs in hand');
  await worker.stop();
  await runtime.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
