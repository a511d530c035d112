import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';

/** Sends one text message; throws when it could not be handed over (the job retries). */
export interface SmsTransport {
  readonly name: string;
  send(to: string, text: string, meta: { practiceId: string }): Promise<void>;
}

/**
 * The transport without a provider: every message is recorded in `sms_outbox` (the
 * development outbox shows it) and one line without its text goes to the server log.
 */
export class LogSmsTransport implements SmsTransport {
  readonly name = 'log';
  constructor(
    private readonly db: Db,
    private readonly log: (line: string) => void,
  ) {}

  async send(to: string, text: string, meta: { practiceId: string }): Promise<void> {
    await this.db
      .insertInto('sms_outbox')
      .values({ practice_id: meta.practiceId, to_number: to, body_text: text, transport: 'log' })
      .execute();
    this.log(`sms (log transport): ${text.length} characters to ${maskPhone(to)} recorded in sms_outbox`);
  }
}

/** The configured transport (`SMS_TRANSPORT`), or null when text messages are off. */
export function smsTransport(db: Db, config: Config): SmsTransport | null {
  switch (config.sms.transport) {
    case 'log':
      return new LogSmsTransport(db, config.logLevel === 'silent' ? () => undefined : (line) => console.log(line));
    case 'none':
      return null;
  }
}

/** `+31 6 1234 5678` → `+31******78`: enough to tell messages apart in a log. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^0-9+]/g, '');
  return digits.length <= 4 ? '****' : `${digits.slice(0, 3)}${'*'.repeat(Math.max(digits.length - 5, 1))}${digits.slice(-2)}`;
}
