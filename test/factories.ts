import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import supertest from 'supertest';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { resolveAudioTools } from '../src/audio/tools.js';
import { makeAudioTempDir, writeLavfiAudio } from './fixtures-audio.js';

const tools = resolveAudioTools(process.env);
let workDir: Promise<{ dir: string }> | undefined;

/**
 * A real audio file made by ffmpeg: lavfi's sine (1/8 of full scale) of `frequency` Hz,
 * scaled by `volume`, stereo. The temp folder lives as long as the test process.
 */
export async function makeTone({ frequency = 440, seconds = 3, format = 'mp3', volume = 0.5, sampleRate = 44100 } = {}): Promise<Buffer> {
  const { dir } = await (workDir ??= makeAudioTempDir());
  const file = path.join(dir, `${randomBytes(6).toString('hex')}.${format}`);
  await writeLavfiAudio(tools, file, `sine=frequency=${frequency}:sample_rate=${sampleRate}:duration=${seconds}`, ['-af', `volume=${volume}`, '-ac', '2']);
  return readFile(file);
}

export const uniq = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

export interface SignedIn {
  agent: ReturnType<typeof supertest.agent>;
  csrf: string;
  nickname: string;
  email: string;
  password: string;
}

export async function csrfFrom(agent: ReturnType<typeof supertest.agent>, url = '/signup'): Promise<string> {
  const res = await agent.get(url);
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(res.text)?.[1];
  if (!token) throw new Error(`no csrf token on ${url} (status ${res.status})`);
  return token;
}

const databaseOf = new WeakMap<Express, Knex>();

/** Lets buildUser confirm the email of the musicians it makes on this app (createTestContext does this). */
export function rememberDatabase(app: Express, db: Knex): Express {
  databaseOf.set(app, db);
  return app;
}

/**
 * A musician signed up and logged in through the real forms, with an agent that keeps their
 * cookie. Their email counts as confirmed (written in the app's database, as following the
 * mailed link would) unless `verified: false`: the verification flow itself is tested with
 * real mail in src/auth/email-links.test.ts.
 */
export async function buildUser(app: Express, overrides: Partial<{ nickname: string; email: string; password: string; verified: boolean }> = {}): Promise<SignedIn> {
  const agent = supertest.agent(app);
  const nickname = overrides.nickname ?? uniq('musician');
  const email = overrides.email ?? `${nickname}@example.test`;
  const password = overrides.password ?? 'correct horse battery';
  const db = databaseOf.get(app);
  if (overrides.verified !== false && !db) throw new Error('buildUser: this app was not made by createTestContext; call rememberDatabase(app, db) first');
  const csrf = await csrfFrom(agent);
  const res = await agent.post('/signup').type('form').send({ email, nickname, password, _csrf: csrf });
  if (res.status !== 303) throw new Error(`signup failed: ${res.status} ${res.text.slice(0, 500)}`);
  if (overrides.verified !== false) await db!('users').whereRaw('lower(nickname) = lower(?)', [nickname]).update({ verified: true });
  const login = await agent.post('/login').type('form').send({ email, password, _csrf: csrf });
  if (login.status !== 303) throw new Error(`login after signup failed: ${login.status} ${login.text.slice(0, 500)}`);
  return { agent, csrf: await csrfFrom(agent, '/'), nickname, email, password };
}

/** A post made through POST /posts with a real audio file. */
export async function buildPost(user: SignedIn, fields: Partial<Record<'title' | 'genre' | 'instrument' | 'bpm' | 'key' | 'description', string>> = {}, audio?: { buffer: Buffer; name: string }) {
  const file = audio ?? { buffer: await makeTone(), name: 'idea.mp3' };
  const req = user.agent.post('/posts').set('X-CSRF-Token', user.csrf);
  const form = { title: uniq('Song '), genre: 'rock', instrument: 'guitar', ...fields };
  for (const [k, v] of Object.entries(form)) req.field(k, v);
  const res = await req.attach('audio', file.buffer, file.name);
  if (res.status !== 303) throw new Error(`post failed: ${res.status} ${res.text.slice(0, 500)}`);
  return { id: Number(res.headers.location!.split('/').pop()), location: res.headers.location! };
}
