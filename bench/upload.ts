/**
 * A large upload through the container's path (nginx → multer-s3 in a web process → S3)
 * against a direct multipart upload of the same bytes to the same S3 endpoint
 * (@aws-sdk/lib-storage, the library multer-s3 uses, at its default part size and queue).
 * The web process's resident memory (VmRSS) is sampled every 100 ms during its upload.
 *
 *   npm run bench:upload                                   (1 GiB WAV, generated in /tmp)
 *   UPLOAD_BENCH_MB=32 npm run bench:upload                (what CI runs)
 *
 * The stack's MAX_UPLOAD_MB is raised to the file's size (+ 16) for this run only: the
 * default limit (200 MB) would refuse a 1 GiB take with 413. Exits 1 if the upload fails.
 * The figures: MB/s until the app answered (it probes the upload before it answers), and
 * the RSS growth.
 */
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { Browser, mailDirOf, startStack, tail, writeWav, type Stack } from '../test/stack/harness.js';
import { startBenchServices, stopOnSignal } from './services.js';

const env = process.env;
const MB = 1024 * 1024;
const SIZE_MB = Number(env.UPLOAD_BENCH_MB ?? 1024);

/** A process that is gone (or exiting, without VmRSS) reads as 0. */
const rssKb = (pid: number) => {
  try {
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

/** Peak VmRSS of `pid` while `work` runs, sampled every 100 ms, and the value before it. */
async function sampled<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; beforeMb: number; peakMb: number }> {
  const before = rssKb(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 100);
  try {
    return { result: await work(), beforeMb: before / 1024, peakMb: peak / 1024 };
  } finally {
    clearInterval(timer);
  }
}

const services = await startBenchServices('upload-bench');
let stack: Stack | undefined;
const cleanUp = async () => {
  if (stack) await stack.stop().catch(() => stack!.kill());
  await services.stop();
};
stopOnSignal(cleanUp);
let failed = false;
try {
  const file = path.join(services.dir, 'take.wav');
  const bytes = await writeWav(file, SIZE_MB * MB);
  stack = await startStack({
    name: 'upload-bench',
    databaseUrl: services.databaseUrl,
    webConcurrency: 1,
    s3: services.s3,
    env: { MAX_UPLOAD_MB: String(SIZE_MB + 16) },
  });
  const web = stack.apps().get('web')![0]!;
  const musician = new Browser(stack.port);
  musician.timeoutMs = 600_000;
  await musician.signUp([mailDirOf(stack)]);
  console.log(`upload: ${(bytes / MB).toFixed(0)} MiB WAV; web process ${web}; MB/s, and the web process's VmRSS`);

  // Direct first and then through the app, as one interleaved pair.
  const directStarted = performance.now();
  await new Upload({
    client: services.storage.client,
    params: { Bucket: services.s3.bucket, Key: 'bench/direct.wav', Body: createReadStream(file), ContentType: 'audio/wav' },
  }).done();
  const directSeconds = (performance.now() - directStarted) / 1000;

  const appStarted = performance.now();
  const { result: res, beforeMb, peakMb } = await sampled(web, () => musician.uploadPost(file, { title: 'A very long take' }));
  const answeredSeconds = (performance.now() - appStarted) / 1000;
  if (res.status !== 303) throw new Error(`the upload answered ${res.status}: ${res.text().slice(0, 300)}`);

  const mbps = (s: number) => bytes / MB / s;
  console.log(`direct multipart to S3         ${mbps(directSeconds).toFixed(1).padStart(7)} MB/s  (${directSeconds.toFixed(1)} s)`);
  console.log(`through nginx + app, answered  ${mbps(answeredSeconds).toFixed(1).padStart(7)} MB/s  (${answeredSeconds.toFixed(1)} s)  ${(directSeconds / answeredSeconds).toFixed(2)}× direct`);
  console.log(`web process VmRSS: ${beforeMb.toFixed(0)} MB before, ${peakMb.toFixed(0)} MB peak: +${(peakMb - beforeMb).toFixed(0)} MB`);
} catch (err) {
  failed = true;
  console.error(err);
  if (stack) console.error(tail(stack.output(), 30));
} finally {
  await cleanUp();
}
process.exit(failed ? 1 : 0);
