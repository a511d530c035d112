/**
 * Dutch citizen service number (BSN) rules.
 *
 * A BSN has 9 digits and passes the eleven-test: weights 9..2 on the first eight digits and
 * −1 on the last; the sum must be divisible by 11 (and, by convention, not zero). Numbers
 * written with 8 digits had their leading zero dropped and get it back.
 * `999999999` is the declared placeholder ("unknown BSN"): it fails the test and is
 * accepted only where a rule explicitly allows it.
 */
export const BSN_PLACEHOLDER = '999999999';

export type BsnCheck =
  | { ok: true; bsn: string; placeholder: boolean }
  | { ok: false; reason: 'format' | 'eleven_test' | 'all_zero' | 'placeholder_not_allowed' };

/** Digits only, 8 digits zero-padded to 9; `null` when it cannot be a BSN at all. */
export function normaliseBsn(input: string): string | null {
  const digits = input.replace(/[\s.-]/g, '');
  if (!/^\d{8,9}$/.test(digits)) return null;
  return digits.padStart(9, '0');
}

/** The eleven-test on a 9-digit string. */
export function passesElevenTest(bsn: string): boolean {
  if (!/^\d{9}$/.test(bsn)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(bsn[i]) * (9 - i);
  sum -= Number(bsn[8]);
  return sum % 11 === 0 && sum !== 0;
}

/** Validates a BSN as typed (spaces, dots, dashes and 8-digit forms allowed). */
export function checkBsn(input: string, opts: { allowPlaceholder?: boolean } = {}): BsnCheck {
  const bsn = normaliseBsn(input);
  if (!bsn) return { ok: false, reason: 'format' };
  if (bsn === '000000000') return { ok: false, reason: 'all_zero' };
  if (bsn === BSN_PLACEHOLDER)
    return opts.allowPlaceholder ? { ok: true, bsn, placeholder: true } : { ok: false, reason: 'placeholder_not_allowed' };
  if (!passesElevenTest(bsn)) return { ok: false, reason: 'eleven_test' };
  return { ok: true, bsn, placeholder: false };
}

export const BSN_MESSAGES: Record<Exclude<BsnCheck, { ok: true }>['reason'], string> = {
  format: 'BSN must be 9 digits (or 8 digits with the leading zero dropped)',
  eleven_test: 'this is not a valid BSN (it fails the eleven-test); check the digits',
  all_zero: 'a BSN cannot be all zeros',
  placeholder_not_allowed: '999999999 is the placeholder for an unknown BSN and is not accepted here',
};
