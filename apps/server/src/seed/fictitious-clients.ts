/**
 * Obviously fictitious client lists as CSV, in the form a practice exports from its old system
 * (Dutch headers, `;`, dd-mm-jjjj): for the demo seed and the import benchmark. Deterministic
 * per seed. Streets are invented, e-mail addresses use the reserved `.example` domain, BSNs are
 * random numbers that pass the eleven-test (never the published example numbers).
 */

const FIRST = [
  'Anouk',
  'Bram',
  'Daan',
  'Emma',
  'Fenna',
  'Gijs',
  'Hanna',
  'Iris',
  'Jesse',
  'Julia',
  'Koen',
  'Lieke',
  'Luuk',
  'Maud',
  'Milan',
  'Noor',
  'Olivier',
  'Puck',
  'Ruben',
  'Sanne',
  'Sem',
  'Tess',
  'Thijs',
  'Vera',
  'Wout',
  'Yara',
  'Zoë',
  'Fleur',
  'Lars',
  'Roos',
];
const PREFIX = ['', '', '', '', 'van', 'de', 'van der', 'van den', 'ter', 'in ’t'];
const LAST = [
  'Aalbers',
  'Bosman',
  'Claassen',
  'Dekker',
  'Evers',
  'Feenstra',
  'Gerritsen',
  'Hoekstra',
  'IJzerman',
  'Jonker',
  'Kuiper',
  'Lammers',
  'Mulder',
  'Nijland',
  'Oosterhout',
  'Prins',
  'Quint',
  'Roelofs',
  'Schouten',
  'Terpstra',
  'Uiterwijk',
  'Veenstra',
  'Wolters',
  'Zwart',
];
const STREETS = ['Verzonnenlaan', 'Denkbeeldstraat', 'Fictieweg', 'Demoplein', 'Voorbeeldsingel', 'Proefkade', 'Oefenhof', 'Schijnstraat'];
const CITIES = ['Utrecht', 'Den Haag', 'Zeist', 'Leiden', 'Amersfoort', 'Delft', 'Houten', 'Wassenaar'];
const GPS = [
  ['dr. A. Voorbeeld', 'Huisartsenpraktijk De Fictieve Linde', '01000001'],
  ['B. Denkbeeld', 'Gezondheidscentrum Verzonnen', '01000002'],
] as const;
const UZOVI = ['3311', '7029', '3343', '8401'];
const STATUSES = ['aangemeld', 'aangemeld', 'intake', 'in behandeling', 'in behandeling', 'afgesloten'];
/** Published example numbers that must not turn up as if they were someone's. */
const AVOID = new Set(['249566758', '111222333', '123456782']);

export const FICTITIOUS_HEADER = [
  'Voornaam',
  'Tussenvoegsel',
  'Achternaam',
  'Geboortedatum',
  'Geslacht',
  'BSN',
  'E-mail',
  'Telefoon',
  'Straat',
  'Huisnummer',
  'Postcode',
  'Woonplaats',
  'UZOVI',
  'Polisnummer',
  'Huisarts',
  'Huisartspraktijk',
  'AGB huisarts',
  'Status',
];

/** A small seeded PRNG (mulberry32), so the same seed gives the same list. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  return { next, int, pick };
}

/** A random 9-digit number passing the eleven-test. */
function fictitiousBsn(r: ReturnType<typeof random>): string {
  for (;;) {
    const digits = [1 + r.int(9), ...Array.from({ length: 7 }, () => r.int(10))];
    const last = digits.reduce((acc, d, i) => acc + d * (9 - i), 0) % 11;
    const bsn = [...digits, last].join('');
    if (last < 10 && !AVOID.has(bsn)) return bsn;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `count` fictitious clients as a `;`-separated UTF-8 CSV with Dutch headers. */
export function fictitiousClientsCsv(count: number, seed = 1): string {
  const r = random(seed);
  const bsns = new Set<string>();
  const lines = [FICTITIOUS_HEADER.join(';')];
  for (let i = 0; i < count; i++) {
    const first = r.pick(FIRST);
    const prefix = r.pick(PREFIX);
    const last = r.pick(LAST);
    const born = `${pad(1 + r.int(28))}-${pad(1 + r.int(12))}-${1940 + r.int(66)}`;
    let bsn = '';
    if (r.next() < 0.85) {
      do bsn = fictitiousBsn(r);
      while (bsns.has(bsn));
      bsns.add(bsn);
    }
    const withAddress = r.next() < 0.9;
    const withGp = r.next() < 0.3;
    const gp = r.pick(GPS);
    const insured = r.next() < 0.7;
    const email = `${first}.${last}.${i}`.toLowerCase().replace(/[^a-z0-9.]/g, '') + '@voorbeeld.example';
    lines.push(
      [
        first,
        prefix,
        last,
        born,
        r.pick(['v', 'm', 'v', 'm', 'x', '']),
        bsn,
        r.next() < 0.8 ? email : '',
        r.next() < 0.8 ? `06-${pad(r.int(100_000_000), 8)}` : '',
        withAddress ? r.pick(STREETS) : '',
        withAddress ? String(1 + r.int(180)) : '',
        withAddress ? `${1000 + r.int(9000)} ${String.fromCharCode(65 + r.int(26), 65 + r.int(26))}` : '',
        withAddress ? r.pick(CITIES) : '',
        insured ? r.pick(UZOVI) : '',
        insured ? `P${pad(r.int(1_000_000_000), 9)}` : '',
        withGp ? gp[0] : '',
        withGp ? gp[1] : '',
        withGp ? gp[2] : '',
        r.pick(STATUSES),
      ].join(';'),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
