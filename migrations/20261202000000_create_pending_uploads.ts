import type { Knex } from 'knex';

// An upload's track id, written before its first byte goes to S3 and removed in the
// transaction that inserts its track row. A web process that dies mid-upload (killed,
// out of memory, a deploy past its grace) leaves objects whose request never cleaned up:
// the worker's sweep finds them here, once no upload could still be running, and deletes
// them. Without this, "no object without its row" would hold only while processes live.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pending_uploads', (t) => {
    t.uuid('track_id').primary();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('pending_uploads');
}
