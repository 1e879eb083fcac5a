import type { Knex } from 'knex';
import { createIndexConcurrently, dropIndexConcurrently } from './lib/concurrent-index.js';

// The post page shows every part in the mix (src/contributions/queries.ts). Found through
// (post_id, created_at), the few in the mix were picked out of every part of the song: 1.1 s
// for a song with 150 000 parts at a million songs. A partial index holds only those.
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await createIndexConcurrently(knex, { name: 'contributions_post_in_mix_idx', table: 'contributions', columns: ['post_id', 'created_at', 'id'], where: 'included' });
}

export async function down(knex: Knex): Promise<void> {
  await dropIndexConcurrently(knex, 'contributions_post_in_mix_idx');
}
