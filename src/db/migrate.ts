import type { Knex } from 'knex';
import { migrations } from '../../migrations/index.js';
import type { Db } from './knex.js';

/** Migrations are compiled in (no directory scan) so the same list runs from src and dist. */
const source: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(migrations)),
  getMigrationName: (name) => name,
  getMigration: (name) => Promise.resolve(migrations[name]!),
};

/** Applies pending migrations; knex's lock table makes concurrent callers wait, not race. */
export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource: source })) as [number, string[]];
  return applied;
}
