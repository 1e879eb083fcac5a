import type { Knex } from 'knex';
import { createIndexConcurrently, dropIndexConcurrently } from './lib/concurrent-index.js';

// The post page lists a song's parts outside the mix a page at a time, newest first, keyset on
// (created_at, id) (src/contributions/queries.ts): a popular song has thousands of parts.
// contributions is one of the big tables, so the index is built without locking out uploads.
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await createIndexConcurrently(knex, { name: 'contributions_post_newest_idx', table: 'contributions', columns: ['post_id', 'created_at desc', 'id desc'] });
}

export async function down(knex: Knex): Promise<void> {
  await dropIndexConcurrently(knex, 'contributions_post_newest_idx');
}
