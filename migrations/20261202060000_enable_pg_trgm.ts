import type { Knex } from 'knex';

// Search matches misspelt words ("guitr" finds "guitar") by trigram similarity. pg_trgm ships
// with PostgreSQL's contrib (the embedded build has it, RDS allows it for the master user).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop extension if exists pg_trgm');
}
