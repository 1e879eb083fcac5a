/**
 * s3rver in a process of its own, for the burst: in production S3 is a service of its own,
 * and an s3rver inside the bench would share one event loop with the hundreds of simulated
 * musicians it measures. Prints "ready" once it listens; SIGTERM stops it.
 *
 *   node --import tsx bench/local-s3.ts <dir> <port> <bucket>
 */
import { startLocalS3 } from '../src/embedded.js';

const [dir, port, bucket] = process.argv.slice(2);
if (!dir || !port || !bucket) throw new Error('usage: local-s3.ts <dir> <port> <bucket>');
const server = await startLocalS3(dir, Number(port), bucket);
process.stdout.write('ready\n');
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
