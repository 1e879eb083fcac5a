import type { Knex } from 'knex';

// Counters for sign-in and sign-up limits, shared by every web process and instance: one row
// per key (e.g. `sign-in:account:<email>`) counting hits in a fixed window ending at reset_at.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limits', (t) => {
    t.text('key').primary();
    t.integer('hits').notNullable();
    t.timestamp('reset_at', { useTz: true }).notNullable().index('rate_limits_reset_at_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rate_limits');
}
