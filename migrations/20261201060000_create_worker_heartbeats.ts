import type { Knex } from 'knex';

// The worker's liveness: each worker process upserts its row every WORKER_HEARTBEAT_SECONDS.
// pm2 stops restarting a worker after 20 crashes and no load balancer check sees the worker,
// so /readyz reports a stale row for its instance and the WorkerHeartbeat metric stops.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('worker_heartbeats', (t) => {
    t.uuid('id').primary(); // one per worker process start
    t.text('host').notNullable(); // the container's hostname, shared by its web processes
    t.integer('pid').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('beat_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['host', 'beat_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('worker_heartbeats');
}
