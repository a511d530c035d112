import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';

/** The request header that carries the development mailbox's key. */
export const OUTBOX_KEY_HEADER = 'x-calmdesk-outbox-key';

const FILE = 'dev-outbox-key';

/** Whether this server has a development mailbox at all: never with SMTP, never in production. */
export function devOutboxEnabled(config: Config): boolean {
  return !config.mail.smtpUrl && config.env !== 'production';
}

/**
 * The secret that opens the development mailbox, kept in `<dataDir>/dev-outbox-key` (mode
 * 0600) so it survives restarts; created on first use. Only someone who can read the data
 * folder — whoever started the server — learns it.
 */
export function outboxKey(config: Config): string {
  const file = path.join(config.dataDir, FILE);
  try {
    return readKey(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  // Written aside, then linked into place: a second process starting at the same moment
  // either links first or finds the complete file, never a half-written one.
  const temp = `${file}.${process.pid}.${crypto.randomUUID()}`;
  fs.writeFileSync(temp, `${crypto.randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return readKey(file);
}

function readKey(file: string): string {
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 43) throw new Error(`${file} holds no usable key; delete it and start again`);
  return key;
}

/** The link that opens the mailbox in the browser; the key rides in the fragment, which browsers never send. */
export function outboxUrl(config: Config): string {
  return `${config.publicUrl}/dev/outbox#key=${outboxKey(config)}`;
}

/** Constant-time check of a presented key against the real one. */
export function outboxKeyMatches(presented: unknown, key: string): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(digest(presented), digest(key));
}
