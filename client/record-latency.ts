/**
 * How late the microphone hears what the speakers play (output plus input latency, and the
 * recorder's own start), measured by playing clicks and finding them in the recording; kept
 * per input device, since a USB interface and a laptop's built-in microphone differ by tens
 * of milliseconds.
 */
const KEY = 'soundhub:latency:';

export const storedLatencyMs = (deviceId: string): number | undefined => {
  const value = Number(localStorage.getItem(KEY + deviceId));
  return localStorage.getItem(KEY + deviceId) === null || !Number.isFinite(value) ? undefined : value;
};
export const storeLatencyMs = (deviceId: string, ms: number) => localStorage.setItem(KEY + deviceId, String(Math.round(ms)));

/**
 * The delay of each click found in `recording`: `clicksAt` are the seconds (from the start of
 * the recording) at which the clicks were played. A click counts when, within half a second
 * after it, the signal rises above half its peak there and that peak stands well above the
 * room's noise before the first click. Returns the median in ms, or undefined when fewer than
 * three clicks were heard or they disagree (a noisy room, speakers muted, headphones on).
 */
export function latencyFromClicks(recording: Float32Array, sampleRate: number, clicksAt: number[]): number | undefined {
  const first = Math.round(clicksAt[0]! * sampleRate);
  let noise = 0;
  for (let i = 0; i < first; i++) noise = Math.max(noise, Math.abs(recording[i]!));
  const delays: number[] = [];
  for (const at of clicksAt) {
    const start = Math.round(at * sampleRate);
    const end = Math.min(recording.length, start + Math.round(0.5 * sampleRate));
    let peak = 0;
    for (let i = start; i < end; i++) peak = Math.max(peak, Math.abs(recording[i]!));
    if (peak < Math.max(0.02, noise * 4)) continue;
    for (let i = start; i < end; i++) {
      if (Math.abs(recording[i]!) >= peak / 2) {
        delays.push(((i - start) / sampleRate) * 1000);
        break;
      }
    }
  }
  if (delays.length < 3) return undefined;
  delays.sort((a, b) => a - b);
  const median = delays[Math.floor(delays.length / 2)]!;
  return delays[delays.length - 1]! - delays[0]! > 20 ? undefined : median;
}
