import type { Knex } from 'knex';

// The language a musician reads SoundHub in, so the mails sent to them (verification, reset,
// digests) are written in it. Null is English: every account made before it, and the
// musicians who never chose.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table users add column language text');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table users drop column language');
}
