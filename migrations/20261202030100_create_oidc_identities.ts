import type { Knex } from 'knex';

// Which OpenID Connect identity (provider + the provider's stable subject id) signs in to
// which account. The email is kept only to show the musician what is linked; matching is by
// (provider, subject), never by email, since an email can move between people.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('oidc_identities', (t) => {
    t.bigIncrements('id').primary();
    t.text('provider').notNullable();
    t.text('subject').notNullable();
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('email').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['provider', 'subject']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('oidc_identities');
}
