import type { Knex } from 'knex';

// An account made by signing in with Google (or another OpenID Connect provider) has no
// password until its musician sets one; email + password sign-in simply fails for it.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table users alter column password_hash drop not null');
}

export async function down(knex: Knex): Promise<void> {
  // Refuses while password-less accounts exist, rather than inventing passwords for them.
  await knex.raw('alter table users alter column password_hash set not null');
}
