/**
 * Keeps the post page's part list current while a part is processing: polls the page's
 * parts.json (every 3 s, slowing to 15 s while nothing changes, paused in a hidden tab),
 * swaps each changed status line for the server's, and hands the mixer's tracks to
 * `onChange` so a part that became ready can join it. Polling rather than server-sent
 * events: a request every few seconds, only while something processes, needs no long-lived
 * connection through nginx and the load balancer.
 */
const FIRST_DELAY_MS = 3000;
const SLOWEST_DELAY_MS = 15_000;
/** The worker finishes a part in seconds to minutes; past this a reload is the answer. */
const GIVE_UP_AFTER_MS = 30 * 60_000;

interface PartStatus {
  trackId: string;
  status: string;
  alignment: string | null;
  statusHtml: string;
}

export function followParts(section: HTMLElement, onChange: (mixer: unknown) => Promise<void> | void): void {
  const url = section.dataset.partsUrl;
  if (!url) return;
  const started = Date.now();
  let delay = FIRST_DELAY_MS;
  const processing = () => section.querySelector('[data-track-status][data-status="processing"]') !== null;

  const tick = async () => {
    // Gone with the page (a Turbo visit away), done, or given up.
    if (!section.isConnected || !processing() || Date.now() - started > GIVE_UP_AFTER_MS) return;
    if (!document.hidden) {
      try {
        const res = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (res.ok) {
          const body = (await res.json()) as { parts?: PartStatus[]; mixer?: unknown };
          if (show(section, body.parts ?? [])) {
            await onChange(body.mixer);
            delay = FIRST_DELAY_MS;
          } else {
            delay = Math.min(SLOWEST_DELAY_MS, Math.round(delay * 1.5));
          }
        }
      } catch {
        delay = SLOWEST_DELAY_MS; // offline or the server restarting: try again later
      }
    }
    setTimeout(() => void tick(), delay);
  };
  setTimeout(() => void tick(), delay);
}

/** Puts each changed part's status line in place; true when anything changed. */
function show(section: HTMLElement, parts: PartStatus[]): boolean {
  let changed = false;
  for (const part of parts) {
    const box = section.querySelector<HTMLElement>(`[data-track-status="${CSS.escape(part.trackId)}"]`);
    if (!box || box.dataset.status === part.status) continue;
    box.innerHTML = part.statusHtml; // rendered by the server's own partial, escaped there
    box.dataset.status = part.status;
    const alignment = section.querySelector<HTMLElement>(`[data-alignment="${CSS.escape(part.trackId)}"]`);
    if (alignment && part.alignment) {
      alignment.textContent = part.alignment;
      alignment.hidden = false;
    }
    changed = true;
  }
  return changed;
}
