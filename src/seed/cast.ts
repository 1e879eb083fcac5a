import type { PartSound, SongPlan } from './synth.js';

/**
 * Who and what `npm run seed` puts on the site: musicians with a bio and what they play, and
 * songs each started by one of them with parts by others. Emails are on a reserved domain
 * (.invalid, RFC 2606): nothing is ever mailed to them.
 */
export interface SeedMusician {
  nickname: string;
  bio: string;
}

export interface SeedPart {
  by: string;
  /** Instrument slug (the seeded list in migrations). */
  instrument: string;
  sound: PartSound;
  note: string;
  /** Where the author puts it in the mix: gain (dB) and pan (−1 left … 1 right). */
  gainDb: number;
  pan: number;
}

export interface SeedSong {
  title: string;
  by: string;
  genre: string;
  instrument: string;
  sound: PartSound;
  description: string;
  key: string;
  plan: Omit<SongPlan, 'bars'>;
  parts: SeedPart[];
  /** Comments by other musicians; `atBeat` ties one to a moment of the song. */
  comments: Array<{ by: string; body: string; atBeat?: number }>;
  likedBy: string[];
}

export const SEED_EMAIL_DOMAIN = 'seed.soundhub.invalid';

export const MUSICIANS: SeedMusician[] = [
  { nickname: 'marta_keys', bio: 'Pianist from Lisbon. Chords first, questions later.' },
  { nickname: 'lowend_lou', bio: 'Bass player. If it grooves, I am in.' },
  { nickname: 'kiko_beats', bio: 'Drums and drum machines, mostly at night.' },
  { nickname: 'juno_synth', bio: 'Synth leads and pads; analog at heart.' },
  { nickname: 'ada_strings', bio: 'Arranger. I add the part you did not know was missing.' },
  { nickname: 'tomas_plays', bio: 'Guitarist and producer; I post ideas and wait for the band to show up.' },
];

export const SONGS: SeedSong[] = [
  {
    title: 'Harbour Lights',
    by: 'marta_keys',
    genre: 'lo-fi',
    instrument: 'keyboard',
    sound: 'keys',
    description: 'A slow chord loop for late evenings. Looking for a laid-back groove under it.',
    key: 'A minor',
    plan: { bpm: 84, tonic: 57, mode: 'minor', progression: [0, 5, 2, 6], seed: 1 },
    parts: [
      { by: 'lowend_lou', instrument: 'bass', sound: 'bass', note: 'Kept it simple, roots and fifths.', gainDb: -2, pan: 0 },
      { by: 'kiko_beats', instrument: 'drums', sound: 'drums', note: 'Lazy kit, fill every four bars.', gainDb: -3, pan: 0 },
      { by: 'juno_synth', instrument: 'synth', sound: 'lead', note: 'A little melody on top.', gainDb: -6, pan: 0.3 },
    ],
    comments: [
      { by: 'ada_strings', body: 'That progression is lovely. Strings next?' },
      { by: 'tomas_plays', body: 'The lead comes in beautifully here.', atBeat: 8 },
    ],
    likedBy: ['lowend_lou', 'kiko_beats', 'ada_strings', 'tomas_plays'],
  },
  {
    title: 'Neon Run',
    by: 'juno_synth',
    genre: 'electronic',
    instrument: 'synth',
    sound: 'lead',
    description: 'Driving synth line at 120. Needs a kit that pushes.',
    key: 'E minor',
    plan: { bpm: 120, tonic: 64, mode: 'minor', progression: [0, 3, 5, 4], seed: 2 },
    parts: [
      { by: 'kiko_beats', instrument: 'drums', sound: 'drums', note: 'Four on the floor would be too obvious; this swings a bit.', gainDb: -2, pan: 0 },
      { by: 'lowend_lou', instrument: 'bass', sound: 'bass', note: 'Octave bass would fit too, say the word.', gainDb: -3, pan: 0 },
      { by: 'marta_keys', instrument: 'keyboard', sound: 'pad', note: 'A pad to glue it together.', gainDb: -8, pan: -0.2 },
    ],
    comments: [
      { by: 'marta_keys', body: 'This one gets stuck in my head.' },
      { by: 'kiko_beats', body: 'Turn it up at the fill!', atBeat: 12 },
    ],
    likedBy: ['marta_keys', 'kiko_beats', 'tomas_plays'],
  },
  {
    title: 'Sunday Porch',
    by: 'tomas_plays',
    genre: 'folk',
    instrument: 'guitar',
    sound: 'keys',
    description: 'Chords I play every Sunday. Whoever wants to join, join.',
    key: 'G major',
    plan: { bpm: 96, tonic: 55, mode: 'major', progression: [0, 4, 5, 3], seed: 3 },
    parts: [
      { by: 'ada_strings', instrument: 'strings', sound: 'pad', note: 'Soft strings, entering slowly.', gainDb: -6, pan: 0.25 },
      { by: 'lowend_lou', instrument: 'bass', sound: 'bass', note: 'Walking it a little.', gainDb: -3, pan: 0 },
    ],
    comments: [{ by: 'juno_synth', body: 'Warm. Reminds me of summer.' }],
    likedBy: ['ada_strings', 'marta_keys'],
  },
  {
    title: 'Low Tide',
    by: 'lowend_lou',
    genre: 'funk',
    instrument: 'bass',
    sound: 'bass',
    description: 'Bass riff first, everything else welcome.',
    key: 'D minor',
    plan: { bpm: 104, tonic: 62, mode: 'minor', progression: [0, 0, 3, 4], seed: 4 },
    parts: [
      { by: 'kiko_beats', instrument: 'drums', sound: 'drums', note: 'Tight and dry.', gainDb: -2, pan: 0 },
      { by: 'marta_keys', instrument: 'keyboard', sound: 'keys', note: 'Stabs on the beat.', gainDb: -5, pan: -0.3 },
      { by: 'juno_synth', instrument: 'synth', sound: 'lead', note: 'Answering the riff.', gainDb: -7, pan: 0.3 },
    ],
    comments: [{ by: 'tomas_plays', body: 'That riff!' }],
    likedBy: ['kiko_beats', 'juno_synth', 'marta_keys', 'ada_strings', 'tomas_plays'],
  },
  {
    title: 'Glass Garden',
    by: 'ada_strings',
    genre: 'ambient',
    instrument: 'strings',
    sound: 'pad',
    description: 'Slow, wide and quiet. A bed for something gentle.',
    key: 'C major',
    plan: { bpm: 72, tonic: 60, mode: 'major', progression: [0, 5, 3, 4], seed: 5 },
    parts: [
      { by: 'juno_synth', instrument: 'synth', sound: 'lead', note: 'A few notes, far away.', gainDb: -9, pan: -0.35 },
      { by: 'marta_keys', instrument: 'keyboard', sound: 'keys', note: 'Sparse chords.', gainDb: -8, pan: 0.2 },
    ],
    comments: [{ by: 'marta_keys', body: 'I could listen to this all night.' }],
    likedBy: ['juno_synth', 'tomas_plays'],
  },
];

/** Who follows whom: everyone follows the musicians they played with, and a few more. */
export const FOLLOWS: Array<[follower: string, followed: string]> = [
  ['lowend_lou', 'marta_keys'],
  ['kiko_beats', 'marta_keys'],
  ['juno_synth', 'marta_keys'],
  ['marta_keys', 'juno_synth'],
  ['kiko_beats', 'juno_synth'],
  ['ada_strings', 'tomas_plays'],
  ['lowend_lou', 'tomas_plays'],
  ['marta_keys', 'lowend_lou'],
  ['kiko_beats', 'lowend_lou'],
  ['tomas_plays', 'ada_strings'],
  ['juno_synth', 'ada_strings'],
  ['tomas_plays', 'kiko_beats'],
];
