/**
 * The browser's audio pieces the recorder needs: the microphone with the browser's voice-call
 * processing off (echo cancellation, noise suppression and gain riding would bend a musical
 * take), a MediaRecorder format this browser both records and decodes, clicks on the
 * AudioContext clock, an input level meter, and a recording with sounds scheduled against
 * the moment it started.
 */
import { t } from './i18n.js';

/** Why recording cannot start here, in words for the musician, or undefined when it can. */
export function cannotRecord(): string | undefined {
  if (!window.isSecureContext) return t('record.needs_https');
  if (!navigator.mediaDevices?.getUserMedia) return t('record.no_microphone_api');
  if (typeof MediaRecorder === 'undefined') return t('record.no_recorder');
  if (!recorderMime()) return t('record.no_format');
  return undefined;
}

/** Chromium records WebM/Opus, Firefox Ogg/Opus, Safari MP4/AAC: the first this browser can. */
export function recorderMime(): string | undefined {
  return ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'].find((t) => MediaRecorder.isTypeSupported(t));
}

export async function openMicrophone(deviceId?: string): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) },
    });
  } catch (err) {
    const name = (err as DOMException).name;
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new Error(t('record.not_allowed'), { cause: err });
    if (name === 'NotFoundError' || name === 'OverconstrainedError') throw new Error(t('record.not_found'), { cause: err });
    if (name === 'NotReadableError') throw new Error(t('record.not_readable'), { cause: err });
    throw new Error(t('record.open_failed', { name: name || t('record.unknown_error') }), { cause: err });
  }
}

/** A short blip at `at` on the context's clock; the first beat of a bar is higher. */
export function click(ctx: AudioContext, at: number, accent = false): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.frequency.value = accent ? 1760 : 1320;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.8, at + 0.002);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.05);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + 0.06);
}

/** Shows the input's peak level on `meter` until the returned function is called. */
export function showLevel(ctx: AudioContext, stream: MediaStream, meter: HTMLMeterElement): () => void {
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let frame = 0;
  const draw = () => {
    analyser.getFloatTimeDomainData(samples);
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s));
    meter.value = peak;
    frame = requestAnimationFrame(draw);
  };
  draw();
  return () => {
    cancelAnimationFrame(frame);
    source.disconnect();
  };
}

export interface Recording {
  /** Resolves with the recording once it has stopped. */
  done: Promise<Blob>;
  stop(): void;
}

/**
 * Records `stream` for `seconds`. When the recorder has started, `schedule(t0)` is called
 * with the context time of that moment, so sounds can be placed at known offsets into the
 * recording; what the recorder's start adds beyond t0 is measured by the latency step, which
 * records the same way.
 */
export function record(ctx: AudioContext, stream: MediaStream, seconds: number, schedule: (t0: number) => void): Recording {
  const recorder = new MediaRecorder(stream, { mimeType: recorderMime() });
  const chunks: Blob[] = [];
  let timer = 0;
  const done = new Promise<Blob>((resolve, reject) => {
    recorder.addEventListener('dataavailable', (e) => e.data.size && chunks.push(e.data));
    recorder.addEventListener('stop', () => resolve(new Blob(chunks, { type: recorder.mimeType })));
    recorder.addEventListener('error', () => reject(new Error(t('record.failed'))));
    recorder.addEventListener('start', () => {
      schedule(ctx.currentTime);
      timer = window.setTimeout(() => recorder.state !== 'inactive' && recorder.stop(), seconds * 1000);
    });
  });
  recorder.start();
  return {
    done,
    stop: () => {
      clearTimeout(timer);
      if (recorder.state !== 'inactive') recorder.stop();
    },
  };
}
