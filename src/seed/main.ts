import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config.js';
import { createLogger } from '../logger.js';
import { openRuntime } from '../runtime.js';
import { startWorker } from '../worker-runtime.js';
import { SEED_EMAIL_DOMAIN, SONGS } from './cast.js';
import { seedSite } from './seed.js';

/**
 * `npm run seed [-- --songs N --bars N]`: musicians, songs with parts, mixes and masters,
 * comments, likes and follows, in the database and bucket the app uses (the embedded ones
 * under DATA_DIR, shared with a running `npm start`, or DATABASE_URL / S3_BUCKET). It runs
 * a worker of its own for the audio; a running app's worker helps.
 */
const { values } = parseArgs({ options: { songs: { type: 'string', default: String(SONGS.length) }, bars: { type: 'string', default: '8' } } });
const songs = Number(values.songs);
const bars = Number(values.bars);
if (!Number.isInteger(songs) || songs < 1 || songs > SONGS.length || !Number.isInteger(bars) || bars < 1 || bars > 64) {
  console.error(`--songs is 1 to ${SONGS.length}, --bars 1 to 64.`);
  process.exit(2);
}
const base = loadConfigOrExit();
if (base.env === 'production') {
  console.error('npm run seed fills a site with made-up musicians: it does not run with NODE_ENV=production.');
  process.exit(2);
}
// The steps are printed as they go; the worker's JSON lines (and its metrics, at info) only
// when asked for with another LOG_LEVEL. A failure is thrown with its reason either way.
const log = createLogger({ ...base, logLevel: base.logLevel === 'info' ? 'silent' : base.logLevel }, 'seed');
const started = performance.now();
const runtime = await openRuntime(base, log, { shareRunning: true });
const worker = await startWorker(runtime);
try {
  const report = await seedSite({ songs, bars, timeoutMs: 15 * 60_000, progress: (line) => console.log(`  ${line}`) }, runtime);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (report.created.length) console.log(`Seeded ${report.created.length} song${report.created.length === 1 ? '' : 's'} with parts, masters, comments and likes in ${seconds} s: ${report.created.join(', ')}.`);
  if (report.skipped.length) console.log(`Already there from an earlier run, left as they are: ${report.skipped.join(', ')}.`);
  if (report.password) console.log(`The seeded musicians sign in as <nickname with . for _>@${SEED_EMAIL_DOMAIN} (e.g. marta.keys@${SEED_EMAIL_DOMAIN}) with the password ${report.password}`);
  console.log(`Open ${runtime.config.siteUrl}/ to listen.`);
} catch (err) {
  console.error('Seeding stopped:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await worker.stop();
  await runtime.close();
}
