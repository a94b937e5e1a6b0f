/**
 * Fast path for a venue's messages as the venue actually sends them: compact
 * JSON with its members in the documented order. A shape is that message
 * written as a template, with holes where values go:
 *
 *   {"u":#n,"s":"#s","b":"#n","B":"#n","a":"#n","A":"#n"}
 *
 *   #n  a number (bare, or inside the template's quotes) read into a field
 *   #x  a bare number, validated and ignored
 *   #s  a symbol (the bytes up to the closing quote), looked up into a field
 *   #t  any string content, validated and ignored
 *   #b  true or false, ignored
 *
 * match() runs over a MessageScratch: the literal parts are compared 4 bytes
 * at a time, numbers are read 4 digits at a time, string contents are
 * scanned 4 bytes at a time. It accepts only what the template spells out
 * exactly, with every value well-formed and every symbol known; at the first
 * difference of any kind it returns -1 and the caller runs the general
 * scanner, which accepts any key order and whitespace and says why a
 * message is refused. A match is therefore always valid JSON, and the
 * values it reads are those the general scanner would read.
 */
import { parseDecimalWide } from './decimal-parser.js';
import { Reason } from './feed-stats.js';
import { QUOTE, skipNumber } from './json-scanner.js';
import type { SymbolMap } from './symbol-map.js';


/** Masks of the first 1..3 bytes of a little-endian word. */
const TAIL_MASK = Int32Array.of(0, 0xff, 0xffff, 0xffffff);

/**
 * Index of the closing quote of the string content starting at b[i], or -1
 * when a backslash, a control byte or the end of the message comes first.
 */
export function stringEnd(b: Uint8Array, dv: DataView, i: number, end: number): number {
  for (;;) {
    const w = dv.getInt32(i, true);
    const q = w ^ 0x22222222;
    const s = w ^ 0x5c5c5c5c;
    // High bit set in a byte that is '"' or '\' or below 0x20 (padding zeros included); false
    // positives only in bytes after a true one, which the byte loop below resolves.
    if (((((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s) | ((w - 0x20202020) & ~w)) & 0x80808080) !== 0) break;
    i += 4;
  }
  for (; i < end; i++) {
    const c = b[i];
    if (c === QUOTE) return i;
    if (c === 0x5c || c < 0x20) return -1;
  }
  return -1;
}

type MatchFn = (
  b: Uint8Array,
  dv: DataView,
  i: number,
  end: number,
  v: Float64Array,
  st: Int32Array,
  base: number,
  symbols: SymbolMap,
) => number;

/**
 * A template compiled, at module load, into straight-line JavaScript: one
 * comparison per literal word, one call per value. (An interpreter looping
 * over the template's parts cost a third more per message.)
 */
export class FastShape {
  readonly template: string;
  /** Fields the shape fills, in hole order, and as a bit mask (fields below 31). */
  readonly fields: Int32Array;
  readonly mask: number;
  /** The generated matcher's body, for inspection. */
  readonly source: string;
  private readonly fn: MatchFn;

  constructor(template: string, fields: readonly number[]) {
    this.template = template;
    const lines: string[] = [];
    const fieldList: number[] = [];
    let f = 0;
    let lit = '';
    const flushLiteral = () => {
      if (lit.length === 0) return;
      const bytes = Buffer.from(lit, 'latin1');
      for (let k = 0; k < bytes.length; k += 4) {
        const n = Math.min(4, bytes.length - k);
        let w = 0;
        for (let j = 0; j < n; j++) w |= bytes[k + j] << (8 * j);
        const read = `dv.getInt32(i + ${k}, true)`;
        lines.push(n === 4 ? `if (${read} !== ${w | 0}) return -1;` : `if ((${read} & ${TAIL_MASK[n]}) !== ${w | 0}) return -1;`);
      }
      lines.push(`i += ${bytes.length};`);
      lit = '';
    };
    for (let k = 0; k < template.length; k++) {
      const ch = template[k];
      if (ch !== '#') {
        lit += ch;
        continue;
      }
      flushLiteral();
      const kind = template[++k];
      if (kind === 'n' || kind === 's') {
        if (f >= fields.length) throw new RangeError(`shape ${template}: more holes than fields`);
        const slot = `base + ${fields[f]}`;
        fieldList.push(fields[f++]);
        if (kind === 'n') {
          lines.push(`i = parseDecimalWide(b, dv, i, end, v, ${slot});`, 'if (i < 0) return -1;');
          // Overflow: the general scanner reports NOT_FINITE.
          lines.push(`x = v[${slot}];`, 'if (x - x !== 0) return -1;');
        } else {
          lines.push('q = stringEnd(b, dv, i, end);', 'if (q < 0) return -1;');
          lines.push('id = symbols.lookup(b, i, q);', 'if (id < 0) return -1;', `v[${slot}] = id;`, 'i = q;');
        }
        lines.push(`st[${slot}] = ${Reason.OK};`);
      } else if (kind === 'x') {
        lines.push('i = skipNumber(b, i, end);', 'if (i < 0) return -1;');
      } else if (kind === 't') {
        lines.push('i = stringEnd(b, dv, i, end);', 'if (i < 0) return -1;');
      } else if (kind === 'b') {
        // 'true', or 'fals' + 'e'
        lines.push('w = dv.getInt32(i, true);', 'if (w === 0x65757274) i += 4;', 'else if (w === 0x736c6166 && b[i + 4] === 0x65) i += 5;', 'else return -1;');
      } else {
        throw new RangeError(`shape ${template}: unknown hole #${kind}`);
      }
    }
    flushLiteral();
    if (f !== fields.length) throw new RangeError(`shape ${template}: ${fields.length} fields for ${f} holes`);
    this.fields = Int32Array.from(fieldList);
    this.mask = fieldList.reduce((m, field) => (field < 31 ? m | (1 << field) : m), 0);
    this.source = ['let x = 0, q = 0, id = 0, w = 0;', ...lines, 'return i;'].join('\n');
    const factory = new Function(
      'parseDecimalWide',
      'stringEnd',
      'skipNumber',
      `return function match(b, dv, i, end, v, st, base, symbols) {\n${this.source}\n};`,
    ) as (p: typeof parseDecimalWide, s: typeof stringEnd, k: typeof skipNumber) => MatchFn;
    this.fn = factory(parseDecimalWide, stringEnd, skipNumber);
  }

  /**
   * Matches the shape at b[i] (b and dv: a MessageScratch); values go to
   * v[base + field], their status (Reason.OK) to st[base + field]. Returns the
   * index past the shape, or -1.
   */
  match(
    b: Uint8Array,
    dv: DataView,
    i: number,
    end: number,
    v: Float64Array,
    st: Int32Array,
    base: number,
    symbols: SymbolMap,
  ): number {
    return this.fn(b, dv, i, end, v, st, base, symbols);
  }
}
