import type { Knex } from 'knex';

// Bytes streamed per listener, track and clock hour, until they make a play (src/tracks/plays.ts).
// A row older than the current hour is never read again and is swept.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('plays_pending', (t) => {
    t.text('listener').notNullable();
    t.uuid('track_id').notNullable().references('tracks.id').onDelete('CASCADE');
    t.timestamp('hour', { useTz: true }).notNullable();
    t.bigInteger('bytes').notNullable().defaultTo(0);
    t.boolean('counted').notNullable().defaultTo(false);
    t.primary(['listener', 'track_id', 'hour']);
    t.index(['track_id']);
    t.index(['hour']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('plays_pending');
}
