import { cannotRecord, click, openMicrophone, record, showLevel } from './record-audio.js';
import { latencyFromClicks, storedLatencyMs, storeLatencyMs } from './record-latency.js';
import { encodeWav, trimTake } from './record-wav.js';
import type { PartQueue } from './upload-parts.js';
import { t } from './i18n.js';

/**
 * "Record a part" on a song page: the song plays while the microphone records, after a
 * count-in of four clicks at the song's tempo. The take is cut to the song's timeline (the
 * count-in and the measured latency dropped), can be heard against the song, and goes to the
 * part form's list as a WAV file, to be uploaded like any other part.
 */
const BEATS = 4;
/** Time for the recorder to settle before the first click. */
const LEAD_SECONDS = 0.3;

export function setUpRecorder(root: HTMLElement, queue: PartQueue): void {
  const $ = <T extends HTMLElement>(selector: string) => root.querySelector<T>(selector)!;
  const problem = $<HTMLParagraphElement>('.recorder-problem');
  const status = $<HTMLParagraphElement>('.recorder-status');
  const steps = { mic: $('[data-step="mic"]'), ready: $('[data-step="ready"]'), take: $('[data-step="take"]') };
  const input = $<HTMLSelectElement>('#rec-input');
  const meter = $<HTMLMeterElement>('#rec-level');
  const slider = $<HTMLInputElement>('#rec-latency');
  const latencyOut = $<HTMLOutputElement>('#rec-latency-value');
  const recordButton = $<HTMLButtonElement>('[data-action="record"]');
  const stopButton = $<HTMLButtonElement>('[data-action="stop"]');
  const instrument = $<HTMLSelectElement>('#rec-instrument');
  root.hidden = false;

  const say = (text: string) => (status.textContent = text);
  const fail = (err: unknown) => {
    problem.textContent = err instanceof Error ? err.message : String(err);
    problem.hidden = false;
  };
  const reason = cannotRecord();
  if (reason) {
    steps.mic.hidden = true;
    return fail(new Error(reason));
  }

  let ctx: AudioContext | undefined;
  let stream: MediaStream | undefined;
  let stopLevel = () => {};
  let song: AudioBuffer | undefined;
  let take: AudioBuffer | undefined;
  let playing: AudioBufferSourceNode[] = [];
  const deviceId = () => stream?.getAudioTracks()[0]?.getSettings().deviceId ?? 'default';
  const latencyMs = () => Number(slider.value);
  const showLatency = () => (latencyOut.value = `${slider.value} ms`);
  const bpm = Number(root.dataset.bpm) || 120;

  const useStream = async (id?: string) => {
    stopLevel();
    stream?.getTracks().forEach((t) => t.stop());
    stream = await openMicrophone(id);
    ctx ??= new AudioContext();
    await ctx.resume();
    stopLevel = showLevel(ctx, stream, meter);
    const inputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
    input.replaceChildren(...inputs.map((d, i) => new Option(d.label || t('record.input_n', { n: i + 1 }), d.deviceId)));
    input.value = deviceId();
    const stored = storedLatencyMs(deviceId());
    slider.value = String(stored ?? 0);
    showLatency();
    say(stored === undefined ? t('record.latency_unknown') : t('record.latency_stored', { ms: stored }));
  };

  $('[data-action="mic"]').addEventListener('click', () => {
    problem.hidden = true;
    useStream()
      .then(() => {
        steps.mic.hidden = true;
        steps.ready.hidden = false;
      })
      .catch(fail);
  });
  input.addEventListener('change', () => void useStream(input.value).catch(fail));
  slider.addEventListener('input', () => {
    showLatency();
    storeLatencyMs(deviceId(), latencyMs());
  });

  $('[data-action="calibrate"]').addEventListener('click', () => {
    if (!ctx || !stream) return;
    const audio = ctx;
    say(t('record.listening'));
    const clicksAt = [0.5, 1, 1.5, 2, 2.5];
    const recording = record(audio, stream, 3.2, (start) => {
      clicksAt.forEach((at) => click(audio, start + at));
    });
    void recording.done
      .then(async (blob) => {
        const decoded = await audio.decodeAudioData(await blob.arrayBuffer());
        const ms = latencyFromClicks(decoded.getChannelData(0), decoded.sampleRate, clicksAt);
        if (ms === undefined) return say(t('record.clicks_unclear'));
        slider.value = String(Math.min(Number(slider.max), Math.round(ms)));
        showLatency();
        storeLatencyMs(deviceId(), latencyMs());
        say(t('record.latency_measured', { ms: Math.round(ms) }));
      })
      .catch(fail);
  });

  let current: { stop(): void } | undefined;
  recordButton.addEventListener('click', () => {
    if (!ctx || !stream) return;
    const audio = ctx;
    const mic = stream;
    recordButton.disabled = true;
    problem.hidden = true;
    say(t('record.loading_song'));
    void (async () => {
      if (!song) {
        const res = await fetch(root.dataset.songUrl!, { credentials: 'same-origin' });
        if (!res.ok) throw new Error(t('record.song_failed', { status: res.status }));
        song = await audio.decodeAudioData(await res.arrayBuffer());
      }
      const backing = song;
      const beat = 60 / bpm;
      const songAt = LEAD_SECONDS + BEATS * beat;
      const latency = latencyMs() / 1000;
      const length = backing.duration;
      const recording = record(audio, mic, songAt + length + latency + 0.3, (t0) => {
        for (let b = 0; b < BEATS; b++) click(audio, t0 + LEAD_SECONDS + b * beat, b === 0);
        const player = audio.createBufferSource();
        player.buffer = backing;
        player.connect(audio.destination);
        player.start(t0 + songAt);
        playing = [player];
      });
      current = { stop: () => recording.stop() };
      say(t('record.count_in', { beats: BEATS, bpm }));
      stopButton.hidden = false;
      root.dataset.state = 'recording';
      const blob = await recording.done;
      for (const p of playing) p.stop();
      stopButton.hidden = true;
      const recorded = await audio.decodeAudioData(await blob.arrayBuffer()).catch((err: unknown) => {
        throw new Error(t('record.unreadable_take'), { cause: err });
      });
      const channels = trimTake(recorded, songAt + latency, length);
      take = audio.createBuffer(channels.length, channels[0]!.length, recorded.sampleRate);
      channels.forEach((c, i) => take!.copyToChannel(c, i));
      steps.take.hidden = false;
      root.dataset.state = 'take';
      say(t('record.take_ready', { seconds: take.duration.toFixed(1), latency: latencyMs() }));
    })()
      .catch(fail)
      .finally(() => {
        recordButton.disabled = false;
        recordButton.textContent = t('record.record_again');
      });
  });
  stopButton.addEventListener('click', () => current?.stop());

  // Leaving the page by a Turbo visit keeps this document alive: let go of the microphone
  // (the browser's recording light) and the audio context, as a full page load would.
  document.addEventListener(
    'turbo:before-render',
    () => {
      current?.stop();
      for (const p of playing) p.stop();
      stopLevel();
      stream?.getTracks().forEach((t) => t.stop());
      void ctx?.close();
    },
    { once: true },
  );

  $('[data-action="preview"]').addEventListener('click', () => {
    if (!ctx || !song || !take) return;
    for (const p of playing) p.stop();
    const at = ctx.currentTime + 0.1;
    playing = [song, take].map((buffer) => {
      const node = ctx!.createBufferSource();
      node.buffer = buffer;
      node.connect(ctx!.destination);
      node.start(at);
      return node;
    });
  });

  $('[data-action="use"]').addEventListener('click', () => {
    if (!take) return;
    const channels = Array.from({ length: take.numberOfChannels }, (_, c) => take!.getChannelData(c));
    const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ').replace(':', 'h');
    const file = new File([encodeWav(channels, take.sampleRate)], `${t('record.take_file', { title: root.dataset.title ?? t('record.take'), stamp })}.wav`, { type: 'audio/wav' });
    queue.add([file], instrument.value || undefined);
    steps.take.hidden = true;
    say(t('record.take_listed'));
    document.querySelector('form[data-upload-parts] .upload-item:last-child')?.scrollIntoView({ block: 'center' });
  });
}
