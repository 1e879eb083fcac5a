// A migrator in a process of its own, so a test can kill it with SIGKILL:
//   node --import tsx test/migrations/child.ts <database-url> <list name>
import { createDb } from '../../src/db/knex.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { lists } from './lists.js';

const [url, name] = process.argv.slice(2);
const db = createDb({ url: url! });
try {
  const applied = await migrateLatest(db, lists[name!]);
  console.log(JSON.stringify({ applied }));
} finally {
  await db.destroy();
}
