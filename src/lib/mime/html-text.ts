/**
 * Text of an HTML body for search and previews.
 *
 * Implementation notes
 * - A single forward scan: tags are dropped, the content of script, style, head, title and
 *   template elements and of comments is dropped, block-level tags and <br> become line breaks,
 *   and character references are decoded (numeric ones and the named ones mail actually uses).
 * - Unclosed tags, comments and raw-text elements run to the end of the input; nothing backtracks,
 *   so the cost is linear in the input length.
 */

const SKIPPED_ELEMENTS = new Set(['script', 'style', 'head', 'title', 'template', 'noscript']);

const BLOCK_ELEMENTS = new Set([
  'p',
  'div',
  'br',
  'tr',
  'li',
  'ul',
  'ol',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'hr',
  'section',
  'article',
  'header',
  'footer',
  'dt',
  'dd',
  'dl',
  'center',
  'address',
]);

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  deg: '°',
  middot: '·',
  bull: '•',
  times: '×',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  euml: 'ë',
  agrave: 'à',
  acirc: 'â',
  auml: 'ä',
  aacute: 'á',
  ccedil: 'ç',
  icirc: 'î',
  iuml: 'ï',
  iacute: 'í',
  ocirc: 'ô',
  ouml: 'ö',
  oacute: 'ó',
  ugrave: 'ù',
  ucirc: 'û',
  uuml: 'ü',
  uacute: 'ú',
  ntilde: 'ñ',
  oelig: 'œ',
  aelig: 'æ',
  szlig: 'ß',
  Eacute: 'É',
  Egrave: 'È',
  Ecirc: 'Ê',
  Agrave: 'À',
  Acirc: 'Â',
  Ccedil: 'Ç',
  Ocirc: 'Ô',
  Ucirc: 'Û',
  OElig: 'Œ',
  iexcl: '¡',
  iquest: '¿',
  sect: '§',
  para: '¶',
  shy: '',
};

export function decodeEntities(text: string): string {
  return text.replace(
    /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});?/g,
    (whole, body: string) => {
      if (body.startsWith('#')) {
        const code =
          body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
        if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
        return String.fromCodePoint(code);
      }
      return NAMED_ENTITIES[body] ?? whole;
    },
  );
}

export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  const out: string[] = [];
  let pos = 0;
  while (pos < html.length) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) {
      out.push(decodeEntities(html.slice(pos)));
      break;
    }
    if (lt > pos) out.push(decodeEntities(html.slice(pos, lt)));
    if (lower.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      pos = close < 0 ? html.length : close + 3;
      continue;
    }
    const nameMatch = /^<\/?([a-z][a-z0-9]*)/.exec(lower.slice(lt, lt + 40));
    if (nameMatch === null) {
      if (/^<[!?/]/.test(html.slice(lt, lt + 2))) {
        const close = html.indexOf('>', lt);
        pos = close < 0 ? html.length : close + 1;
      } else {
        out.push('<');
        pos = lt + 1;
      }
      continue;
    }
    const name = nameMatch[1] as string;
    const close = html.indexOf('>', lt);
    pos = close < 0 ? html.length : close + 1;
    const isEndTag = lower[lt + 1] === '/';
    if (!isEndTag && SKIPPED_ELEMENTS.has(name)) {
      const endTag = lower.indexOf(`</${name}`, pos);
      if (endTag < 0) {
        pos = html.length;
      } else {
        const endClose = html.indexOf('>', endTag);
        pos = endClose < 0 ? html.length : endClose + 1;
      }
      continue;
    }
    if (BLOCK_ELEMENTS.has(name)) out.push('\n');
    else if (name === 'td' || name === 'th') out.push(' ');
  }
  return out
    .join('')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n[\s]*/g, '\n')
    .trim();
}
