import type { Knex } from 'knex';

// The instruments a song still needs ("Looking for: bass, drums"), marked by its author and
// cleared as a part of that instrument enters the mix. The song's created_at is copied in
// (it never changes) so every looking-for list pages newest song first straight off this
// table's index, whatever the instrument, without sorting the matches.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('post_looking_for', (t) => {
    t.bigInteger('post_id').notNullable().references('posts.id').onDelete('CASCADE');
    t.integer('instrument_id').notNullable().references('instruments.id');
    t.timestamp('post_created_at', { useTz: true, precision: 3 }).notNullable();
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.primary(['post_id', 'instrument_id']);
  });
  // /looking-for/:instrument and the home's "looking for your instruments", keyset on (post_created_at, post_id).
  await knex.raw('create index post_looking_for_instrument_newest_idx on post_looking_for (instrument_id, post_created_at desc, post_id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('post_looking_for');
}
