import type { Knex } from 'knex';

// Genres and instruments are reference lists; rows arrive in the seed migration after this.
export async function up(knex: Knex): Promise<void> {
  for (const table of ['genres', 'instruments']) {
    await knex.schema.createTable(table, (t) => {
      t.increments('id').primary();
      t.text('slug').notNullable().unique();
      t.text('name').notNullable();
      t.integer('position').notNullable().defaultTo(0);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('instruments');
  await knex.schema.dropTableIfExists('genres');
}
