/**
 * The take as a WAV file. Hand-written (40 lines) rather than a library: 16-bit PCM WAV is a
 * 44-byte header and interleaved samples, MediaRecorder cannot write it, and the server takes
 * lossless WAV as it is, so the musician's take is not encoded twice (opus in the browser,
 * then again by the worker).
 */
export function encodeWav(channels: Float32Array[], sampleRate: number): Blob {
  const frames = channels[0]?.length ?? 0;
  const bytesPerFrame = 2 * channels.length;
  const buffer = new ArrayBuffer(44 + frames * bytesPerFrame);
  const view = new DataView(buffer);
  const text = (offset: number, s: string) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + frames * bytesPerFrame, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * bytesPerFrame, true);
  view.setUint16(32, bytesPerFrame, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, frames * bytesPerFrame, true);
  let offset = 44;
  for (let i = 0; i < frames; i++) {
    for (const channel of channels) {
      const s = Math.max(-1, Math.min(1, channel[i]!));
      view.setInt16(offset, s < 0 ? s * 0x8000 : s * 0x7fff, true);
      offset += 2;
    }
  }
  return new Blob([buffer], { type: 'audio/wav' });
}

/**
 * The part of a recording that lines up with the song: `skipSeconds` (the count-in, the time
 * before the song started, and the measured latency) dropped from the front, `seconds` kept
 * (padded with silence if the recording stopped early).
 */
export function trimTake(recording: AudioBuffer, skipSeconds: number, seconds: number): Float32Array<ArrayBuffer>[] {
  const rate = recording.sampleRate;
  const skip = Math.max(0, Math.round(skipSeconds * rate));
  const length = Math.round(seconds * rate);
  return Array.from({ length: recording.numberOfChannels }, (_, c) => {
    const out = new Float32Array(length);
    out.set(recording.getChannelData(c).subarray(skip, skip + length));
    return out;
  });
}
