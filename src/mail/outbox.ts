import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';

/**
 * The local outbox (embedded defaults): each message is the .eml file nodemailer would have
 * sent, in one folder, so a developer opens the links at /dev/mail or in any mail program.
 */
const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

/** A file name that sorts by time and can't be guessed from the message. */
const ID = /^[0-9]{13}-[0-9a-f]{12}$/;

export async function writeToOutbox(dir: string, mail: { from: string; to: string; subject: string; text: string; html: string; headers?: Record<string, string> }): Promise<string> {
  const info = await composer.sendMail(mail);
  const id = `${Date.now()}-${randomBytes(6).toString('hex')}`;
  await mkdir(dir, { recursive: true });
  // Written aside and renamed, so a reader never sees half a message.
  const file = path.join(dir, `${id}.eml`);
  await writeFile(`${file}.part`, info.message as Buffer, { mode: 0o600 });
  await rename(`${file}.part`, file);
  return id;
}

export interface OutboxMessage {
  id: string;
  date: Date;
  to: string;
  subject: string;
  text: string;
  html: string;
}

async function parse(dir: string, id: string): Promise<OutboxMessage> {
  const mail = await simpleParser(await readFile(path.join(dir, `${id}.eml`)));
  const to = [mail.to ?? []].flat().map((a) => a.text).join(', ');
  return { id, date: mail.date ?? new Date(Number(id.split('-')[0])), to, subject: mail.subject ?? '', text: mail.text ?? '', html: typeof mail.html === 'string' ? mail.html : '' };
}

/** The newest `limit` messages, newest first. */
export async function listOutbox(dir: string, limit = 100): Promise<OutboxMessage[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const ids = names.filter((n) => n.endsWith('.eml')).map((n) => n.slice(0, -4)).filter((id) => ID.test(id)).sort().reverse().slice(0, limit);
  return Promise.all(ids.map((id) => parse(dir, id)));
}

/** One message, or undefined when the id names none. */
export async function readOutbox(dir: string, id: string): Promise<OutboxMessage | undefined> {
  if (!ID.test(id)) return undefined;
  try {
    return await parse(dir, id);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
