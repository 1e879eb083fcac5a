/**
 * One thing sounds at a time: the site's player or the post page's mixer. Whichever starts
 * says so here; the other pauses. The last one started also owns the Space key.
 */
export type AudioSource = 'player' | 'mixer';

const STARTED = 'soundhub:audio-start';

export function claimAudio(source: AudioSource): void {
  document.documentElement.dataset.audioFocus = source;
  document.dispatchEvent(new CustomEvent<AudioSource>(STARTED, { detail: source }));
}

/** Calls `pause` whenever the other source starts. */
export function pauseWhenOtherStarts(source: AudioSource, pause: () => void, signal?: AbortSignal): void {
  document.addEventListener(STARTED, (event) => {
    if ((event as CustomEvent<AudioSource>).detail !== source) pause();
  }, signal ? { signal } : {});
}

export function audioFocus(): AudioSource | undefined {
  const focus = document.documentElement.dataset.audioFocus;
  return focus === 'player' || focus === 'mixer' ? focus : undefined;
}
