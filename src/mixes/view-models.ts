import { formatDate, formatDateTime } from '../web/format.js';
import { credits, describeChanges } from './changes.js';
import type { MixVersionRow, RecipeTrack } from './queries.js';

/** The version history as the post page and GET /posts/:id/versions show it, newest first. */
export function presentMixVersions(postId: number, versions: Array<MixVersionRow & { recipe: RecipeTrack[] }>, currentVersionId: number | null) {
  return versions.map((v, i) => ({
    id: v.id,
    number: v.number,
    status: v.status,
    failureReason: v.failure_reason,
    createdAt: v.created_at.toISOString(),
    createdOn: formatDate(v.created_at),
    createdAtText: formatDateTime(v.created_at),
    isCurrent: v.id === currentVersionId,
    /** Only a rendered version can be made current again; a retired one lost its audio. */
    restorable: v.status === 'ready' && Boolean(v.master_track_id),
    retired: v.status === 'retired',
    masterStreamUrl: v.master_track_id ? `/tracks/${v.master_track_id}/stream` : null,
    masterDownloadUrl: v.master_track_id ? `/tracks/${v.master_track_id}/download` : null,
    makeCurrentUrl: `/posts/${postId}/versions/${v.number}/current`,
    loudness: v.loudness_lufs !== null ? `${v.loudness_lufs.toFixed(1)} LUFS` : null,
    credits: credits(v.recipe),
    changes: describeChanges(versions[i + 1]?.recipe, v.recipe),
    /** The saved recipe, for restoring it into the mixer (withdrawn parts have no trackId). */
    recipe: v.recipe.map((r) => ({ trackId: r.track_id, role: r.role, musician: r.musician, instrument: r.instrument, gainDb: r.gain_db, pan: r.pan, muted: r.muted, offsetMs: r.offset_ms, withdrawn: Boolean(r.withdrawn) })),
  }));
}
