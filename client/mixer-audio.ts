/**
 * A track's decoded audio as the mixer holds it: 16-bit samples, one array per channel, and
 * a single channel for a part that is mono in fact. Web Audio decodes to 32-bit floats
 * (about 21 MB per stereo minute at 44.1 kHz); held like this a minute takes 10.6 MB, or
 * 5.3 MB in mono, so a song of eight four-minute parts fits a phone. The engine turns short
 * segments back into AudioBuffers just before they play (see mixer-engine.ts).
 *
 * Samples are stored at half scale, so a decoder's overshoot up to +6 dBFS (AAC does go past
 * full scale) survives; what is left is 15 bits, about 90 dB, below anything a part holds.
 */
const SCALE = 16_384; // 1.0 ↔ 16384, ±2.0 fits Int16

export class CompactAudio {
  private constructor(
    readonly channels: readonly Int16Array[],
    readonly sampleRate: number,
    readonly length: number,
  ) {}

  get duration(): number {
    return this.length / this.sampleRate;
  }

  get numberOfChannels(): number {
    return this.channels.length;
  }

  /** Takes the decoded buffer's samples; the buffer can be let go afterwards. */
  static fromBuffer(buffer: AudioBuffer): CompactAudio {
    const sources = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
    // A mono recording arrives as two equal channels (the stream rendition is stereo): keep one.
    const kept = sources.length === 2 && sameSamples(sources[0]!, sources[1]!) ? [sources[0]!] : sources;
    return new CompactAudio(kept.map(toInt16), buffer.sampleRate, buffer.length);
  }

  /** The value of one sample, as a float (for waveforms drawn from the audio). */
  sample(channel: number, frame: number): number {
    return this.channels[channel]![frame]! / SCALE;
  }

  /** Frames [from, from + frames) as an AudioBuffer, ready for a source node. */
  segment(from: number, frames: number): AudioBuffer {
    const out = new AudioBuffer({ numberOfChannels: this.channels.length, length: frames, sampleRate: this.sampleRate });
    for (let c = 0; c < this.channels.length; c++) {
      const dest = out.getChannelData(c);
      const src = this.channels[c]!;
      for (let i = 0; i < frames; i++) dest[i] = src[from + i]! / SCALE;
    }
    return out;
  }
}

function sameSamples(a: Float32Array, b: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function toInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * SCALE)));
  return out;
}
