/**
 * Reads one member value of a market data message, as a venue parser asks
 * for it: a number (JSON number, or a string holding one, as Binance and
 * Coinbase send prices), a symbol (looked up in a SymbolMap from the bytes),
 * a plain string, or a boolean. Each reader returns the index past the value
 * (or a negative ScanError when the message itself is not JSON) and leaves
 * in `fieldStatus` whether the value is usable: Reason.OK or why not. A
 * field of the wrong type is still skipped (and validated) so that the scan
 * can go on and report the message's first structural error, if any.
 */
import { parseDecimal } from './decimal-parser.js';
import { Reason } from './feed-stats.js';
import { QUOTE, ScanError, ascii, bytesAre, scanString, skipValue, strEscaped } from './json-scanner.js';
import type { SymbolMap } from './symbol-map.js';

const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Reason.OK, or why the value just read cannot be used. */
export let fieldStatus = 0;
/** readSymbol: the engine id (-1 when unknown). */
export let symbolId = -1;
/** readString: bounds of the string's content, between the quotes. */
export let strStart = 0;
export let strEnd = 0;
/** readBoolean: the value. */
export let boolValue = false;

const NAN = ascii('NaN');
const INF = ascii('Infinity');
const NEG_INF = ascii('-Infinity');
const POS_INF = ascii('+Infinity');

/** The words Number() turns into NaN or Infinity: refused as NOT_FINITE rather than BAD_NUMBER. */
function isNonFiniteWord(b: Uint8Array, start: number, end: number): boolean {
  return bytesAre(b, start, end, NAN) || bytesAre(b, start, end, INF) || bytesAre(b, start, end, NEG_INF) || bytesAre(b, start, end, POS_INF);
}

/** A number, bare or in a string, into out[outIndex]. */
export function readNumber(b: Uint8Array, i: number, end: number, out: Float64Array, outIndex: number): number {
  const c = b[i];
  if (c === QUOTE) {
    // One pass for the usual case: the string's content is exactly a number.
    const k = parseDecimal(b, i + 1, end, out, outIndex);
    if (k >= 0 && k < end && b[k] === QUOTE) {
      const v = out[outIndex];
      fieldStatus = v - v === 0 ? Reason.OK : Reason.NOT_FINITE;
      return k + 1;
    }
    const j = scanString(b, i, end);
    if (j < 0) return j;
    fieldStatus = strEscaped ? Reason.ESCAPED_STRING : isNonFiniteWord(b, i + 1, j - 1) ? Reason.NOT_FINITE : Reason.BAD_NUMBER;
    return j;
  }
  if (c === MINUS || (c >= ZERO && c <= NINE)) {
    const k = parseDecimal(b, i, end, out, outIndex);
    if (k < 0) return -1 - k >= end ? ScanError.TRUNCATED : ScanError.MALFORMED;
    const v = out[outIndex];
    fieldStatus = v - v === 0 ? Reason.OK : Reason.NOT_FINITE;
    return k;
  }
  fieldStatus = Reason.WRONG_TYPE;
  return skipValue(b, i, end);
}

/** A venue symbol string, looked up into symbolId. */
export function readSymbol(b: Uint8Array, i: number, end: number, symbols: SymbolMap): number {
  if (b[i] !== QUOTE) {
    fieldStatus = Reason.WRONG_TYPE;
    symbolId = -1;
    return skipValue(b, i, end);
  }
  const j = scanString(b, i, end);
  if (j < 0) return j;
  symbolId = strEscaped ? -1 : symbols.lookup(b, i + 1, j - 1);
  fieldStatus = strEscaped ? Reason.ESCAPED_STRING : symbolId < 0 ? Reason.UNKNOWN_SYMBOL : Reason.OK;
  return j;
}

/** Any string; its raw content bounds go to strStart/strEnd. */
export function readString(b: Uint8Array, i: number, end: number): number {
  if (b[i] !== QUOTE) {
    fieldStatus = Reason.WRONG_TYPE;
    return skipValue(b, i, end);
  }
  const j = scanString(b, i, end);
  if (j < 0) return j;
  strStart = i + 1;
  strEnd = j - 1;
  fieldStatus = strEscaped ? Reason.ESCAPED_STRING : Reason.OK;
  return j;
}

/** true or false. */
export function readBoolean(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  const j = skipValue(b, i, end);
  if (j < 0) return j;
  fieldStatus = c === 0x74 || c === 0x66 ? Reason.OK : Reason.WRONG_TYPE;
  boolValue = c === 0x74;
  return j;
}

/**
 * One member of an item object: the symbol field as an engine id, any other
 * known field (f >= 0) as a number, into out[base + f] with its status in
 * status[base + f]; an unknown one (f < 0) is skipped. Returns the index past
 * the value, or a negative scan error.
 */
export function readItemField(
  b: Uint8Array,
  i: number,
  end: number,
  f: number,
  symbolField: number,
  symbols: SymbolMap,
  out: Float64Array,
  status: Int32Array,
  base: number,
): number {
  if (f < 0) return skipValue(b, i, end);
  if (f === symbolField) {
    i = readSymbol(b, i, end, symbols);
    out[base + f] = symbolId;
  } else {
    i = readNumber(b, i, end, out, base + f);
  }
  status[base + f] = fieldStatus;
  return i;
}
