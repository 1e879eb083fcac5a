import { loadConfigOrExit } from './config.js';
import { createDb } from './db/knex.js';
import { migrateLatest } from './db/migrate.js';

/** `npm run migrate`: run once per deploy by the container entrypoint. */
const config = loadConfigOrExit();
if (!config.database.url) {
  console.error('DATABASE_URL is not set: the embedded database migrates itself on `npm start`.');
  process.exit(1);
}
const db = createDb({ ...config.database, url: config.database.url });
try {
  const applied = await migrateLatest(db);
  console.log(JSON.stringify({ level: 30, msg: 'migrations applied', applied }));
} finally {
  await db.destroy();
}
