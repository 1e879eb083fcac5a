import type { Knex } from 'knex';

// What a musician plays and likes, from the seeded taxonomy; shown on their profile.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('user_instruments', (t) => {
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('instrument_id').notNullable().references('instruments.id');
    t.primary(['user_id', 'instrument_id']);
  });
  await knex.schema.createTable('user_genres', (t) => {
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('genre_id').notNullable().references('genres.id');
    t.primary(['user_id', 'genre_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('user_genres');
  await knex.schema.dropTableIfExists('user_instruments');
}
