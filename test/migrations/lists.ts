// Migration lists used only by src/db/migrate.test.ts: the app's own list with a concurrent
// index added, and short lists whose last migration blocks on a lock the test holds, so a
// migrator can be killed mid-run.
import type { Knex } from 'knex';
import { migrations } from '../../migrations/index.js';
import { createIndexConcurrently, dropIndexConcurrently } from '../../migrations/lib/concurrent-index.js';
import type { MigrationList } from '../../src/db/migrate.js';

/** The advisory lock a blocking migration waits for (the test holds it). */
export const BLOCKER_KEY = 4_242_001;

const probeTable: Knex.Migration = {
  up: (knex) => knex.schema.createTable('probe_created', (t) => t.integer('id')),
  down: (knex) => knex.schema.dropTable('probe_created'),
};

/** The app's migrations plus one index built CONCURRENTLY, as a production index would be. */
export const withConcurrentIndex: MigrationList = {
  ...migrations,
  '29990101000000_probe_concurrent_index': {
    config: { transaction: false },
    up: (knex) => createIndexConcurrently(knex, { name: 'probe_posts_title_idx', table: 'posts', columns: ['lower(title)'] }),
    down: (knex) => dropIndexConcurrently(knex, 'probe_posts_title_idx'),
  },
};

/** Second migration writes a table, then waits for BLOCKER_KEY inside its transaction. */
export const blockingTransactional: MigrationList = {
  '29990101000000_probe_table': probeTable,
  '29990101000100_probe_blocked': {
    async up(knex) {
      await knex.schema.createTable('probe_half', (t) => t.integer('id'));
      await knex.raw('select pg_advisory_xact_lock(?)', [BLOCKER_KEY]);
    },
    down: (knex) => knex.schema.dropTable('probe_half'),
  },
};

/**
 * Second migration builds an index CONCURRENTLY on `probe_target` (made by the test), which
 * waits mid-build for the test's open transaction that wrote to the table.
 */
export const blockingConcurrent: MigrationList = {
  '29990101000000_probe_table': probeTable,
  '29990101000100_probe_concurrent_index': {
    config: { transaction: false },
    up: (knex) => createIndexConcurrently(knex, { name: 'probe_target_x_idx', table: 'probe_target', columns: ['x'] }),
    down: (knex) => dropIndexConcurrently(knex, 'probe_target_x_idx'),
  },
};

export const lists: Record<string, MigrationList> = { blockingTransactional, blockingConcurrent, withConcurrentIndex };
