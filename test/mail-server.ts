import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './context.js';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The first link of the plain-text body. */
  link: string | undefined;
  /** Header lines as sent, by lower-cased name (the last one of a name wins). */
  headers: Record<string, string>;
}

/**
 * A real SMTP server on loopback, for the app's SMTP transport to deliver to. It keeps every
 * message it accepted (parsed with mailparser); `refuse` makes it answer the next n messages
 * with a temporary failure (451), as a busy server would.
 */
export async function startMailServer() {
  const received: ReceivedMail[] = [];
  let refusing = 0;
  let attempts = 0;
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      attempts++;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusing > 0) {
          refusing--;
          return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        }
        simpleParser(Buffer.concat(chunks)).then((mail: ParsedMail) => {
          const text = mail.text ?? '';
          received.push({
            to: [mail.to ?? []].flat().map((a) => a.value.map((v) => v.address).join(',')).join(','),
            subject: mail.subject ?? '',
            text,
            html: typeof mail.html === 'string' ? mail.html : '',
            link: /https?:\/\/\S+/.exec(text)?.[0],
            headers: Object.fromEntries(mail.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()])),
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Messages the server answered, accepted or not. */
    attempts: () => attempts,
    refuse(n: number) {
      refusing = n;
    },
    /** The first message to `to` whose subject matches, once it has arrived. */
    async next(to: string, subject: RegExp, { after = 0 } = {}) {
      return eventually(() => Promise.resolve(received.slice(after).find((m) => m.to.toLowerCase() === to.toLowerCase() && subject.test(m.subject))), { what: `a mail to ${to} about ${subject}` });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type MailServer = Awaited<ReturnType<typeof startMailServer>>;
