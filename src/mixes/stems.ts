import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import yazl from 'yazl';
import { MIX_SAMPLE_RATE } from '../audio/mix-graph.js';
import { renderStem } from '../audio/stem.js';
import type { Deps } from '../deps.js';
import type { PostSummary } from '../posts/queries.js';
import { getObject, presignGet } from '../storage/s3.js';
import { findTrackById } from '../tracks/queries.js';
import { NotFound } from '../web/errors.js';
import { credits } from './changes.js';
import { findMixVersion, listRecipe, type RecipeTrack } from './queries.js';

/** A file name from musicians' words: no path separators or characters a file system refuses. */
const safeName = (text: string) => text.replace(/[/\\:*?"<>|\p{Cc}]+/gu, '_').trim().slice(0, 80) || 'untitled';

/** What the stems ZIP will hold for the post's current master; 404 when there is none. */
export async function planStems(db: Deps['db'], post: PostSummary) {
  const version = post.current_mix_version_id ? await findMixVersion(db, post.current_mix_version_id) : undefined;
  const master = version?.master_track_id ? await findTrackById(db, version.master_track_id) : undefined;
  if (!version || version.status !== 'ready' || !master?.duration_ms) throw new NotFound('This song has no master yet, so there are no stems to download.');
  const recipe = await listRecipe(db, version.id);
  const parts: Array<{ file: string; part: RecipeTrack; originalKey: string }> = [];
  for (const part of recipe) {
    if (part.muted || !part.track_id) continue; // not heard in the master
    const track = await findTrackById(db, part.track_id);
    if (!track) continue;
    parts.push({ file: `${String(parts.length + 1).padStart(2, '0')} ${safeName(part.instrument)} - ${safeName(part.musician)}.flac`, part, originalKey: track.original_key });
  }
  // Every stem is as long as the master, which is as long as its longest (offset) track.
  const frames = Math.round((master.duration_ms / 1000) * MIX_SAMPLE_RATE);
  return { version, master, recipe, parts, frames, zipName: `${safeName(post.title)} - stems v${version.number}.zip` };
}

/**
 * Streams the ZIP to `out` (yazl writes entries as they are added; nothing is held whole in
 * memory): each part rendered to a temp file by ffmpeg, read from S3 through a presigned
 * URL, then added; the master's FLAC streamed from S3; and mix.json. FLAC is already
 * compressed, so entries are stored.
 */
export async function writeStemsZip(plan: Awaited<ReturnType<typeof planStems>>, post: PostSummary, out: Writable, { storage, config }: Pick<Deps, 'storage' | 'config'>): Promise<void> {
  const zip = new yazl.ZipFile();
  const finished = new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.outputStream.on('error', reject);
    out.on('error', reject);
    out.on('close', resolve);
    out.on('finish', resolve);
  });
  // Awaited below; until then (or if the listener leaves first) a failure must not go unhandled.
  finished.catch(() => undefined);
  zip.outputStream.pipe(out);
  const dir = await mkdtemp(path.join(tmpdir(), 'soundhub-stems-'));
  try {
    for (const { file, part, originalKey } of plan.parts) {
      if (out.destroyed) return; // the listener went away: render no more
      const stemPath = path.join(dir, file.slice(0, 2) + '.flac');
      await renderStem(config.audio, await presignGet(storage, originalKey), stemPath, { offsetMs: part.offset_ms, frames: plan.frames });
      zip.addReadStream(createReadStream(stemPath), file, { compress: false });
    }
    const master = await getObject(storage, plan.master.original_key);
    zip.addReadStream(master.Body as Readable, `Master v${plan.version.number}.flac`, { compress: false });
    zip.addBuffer(Buffer.from(JSON.stringify(mixJson(plan, post), null, 2)), 'mix.json');
    zip.end();
    await finished;
  } catch (err) {
    zip.outputStream.unpipe(out);
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What a DAW user needs to rebuild the mix: per file its gain, pan, offset and mute, plus credits. */
function mixJson(plan: Awaited<ReturnType<typeof planStems>>, post: PostSummary) {
  const fileOf = new Map(plan.parts.map((p) => [p.part, p.file]));
  return {
    song: { title: post.title, author: post.author_nickname, bpm: post.bpm, key: post.key, url: `/posts/${post.id}` },
    version: plan.version.number,
    sampleRate: MIX_SAMPLE_RATE,
    lengthSamples: plan.frames,
    master: `Master v${plan.version.number}.flac`,
    tracks: plan.recipe.map((r) => ({
      file: fileOf.get(r) ?? null,
      role: r.role,
      instrument: r.instrument,
      musician: r.musician,
      gainDb: r.gain_db,
      pan: r.pan,
      offsetMs: r.offset_ms,
      muted: r.muted,
    })),
    credits: credits(plan.recipe),
  };
}
