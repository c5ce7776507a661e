/**
 * Folding of personal names to the ASCII used in identifiers and addresses.
 *
 * Implementation notes
 * - NFD decomposition strips combining marks (é → e, ñ → n, ç → c); letters that do not decompose
 *   (œ, æ, ß, ø, ł, đ, ð, þ, ı) are mapped explicitly, as French civil-status names use œ and æ.
 * - The result keeps only a–z, 0–9 and the separators the caller asks for: nothing here is
 *   locale-dependent, so the same name gives the same identifier on every machine.
 */

/** Letters NFD does not decompose, mapped to ASCII: shared by naming and search folding. */
export const NON_DECOMPOSING_LETTERS: Readonly<Record<string, string>> = {
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ĸ: 'k',
  ŋ: 'n',
};

/** Lower-cases, removes accents and maps ligatures; other characters are kept as they are. */
export function foldAccents(input: string): string {
  let out = '';
  for (const ch of input.toLowerCase().normalize('NFD')) {
    const code = ch.codePointAt(0) ?? 0;
    // Combining diacritical marks (U+0300–U+036F) are what NFD split off the base letters.
    if (code >= 0x300 && code <= 0x36f) continue;
    out += NON_DECOMPOSING_LETTERS[ch] ?? ch;
  }
  return out.normalize('NFC');
}

/** Keeps only ASCII letters and digits. */
export function foldCompact(input: string): string {
  return foldAccents(input).replace(/[^a-z0-9]/g, '');
}

/**
 * Keeps letters and digits, turns spaces and hyphens into single hyphens and drops every other
 * character (apostrophes, dots): `Le Gall` → `le-gall`, `D'Artagnan` → `dartagnan`.
 */
export function foldHyphenated(input: string): string {
  return foldAccents(input)
    .replace(/[\s\-‐‑‒–—_]+/g, '-')
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}
