import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import type { Deps } from '../deps.js';
import { beat, deleteHeartbeat, deleteOldHeartbeats } from './heartbeat-queries.js';
import { QUEUES } from './queue.js';

/**
 * The worker's pulse, every WORKER_HEARTBEAT_SECONDS: its row in worker_heartbeats (what
 * /readyz reads for its instance), the WorkerHeartbeat metric, and the depth of each queue.
 * A beat that fails (database away) is logged and tried again next time.
 */
export function startHeartbeat(boss: PgBoss, { db, config, log, metrics }: Pick<Deps, 'db' | 'config' | 'log' | 'metrics'>): { stop(): Promise<void> } {
  const worker = { id: randomUUID(), host: hostname(), pid: process.pid };
  const pulse = async () => {
    await beat(db, worker);
    metrics?.heartbeat();
    for (const queue of Object.values(QUEUES)) metrics?.queueDepth(queue, await boss.getQueueSize(queue));
  };
  let inFlight = Promise.resolve();
  const tick = () => {
    inFlight = pulse().catch((err) => log.warn({ err, worker: worker.id }, 'heartbeat failed'));
  };
  void deleteOldHeartbeats(db).catch((err) => log.warn({ err }, 'could not prune old heartbeats'));
  tick();
  const timer = setInterval(tick, config.workerHeartbeatSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      // A worker that stopped on purpose is not a dead one.
      await deleteHeartbeat(db, worker.id).catch((err) => log.warn({ err, worker: worker.id }, 'could not remove heartbeat'));
    },
  };
}
