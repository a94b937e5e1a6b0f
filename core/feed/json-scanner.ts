/**
 * A validating JSON scanner over bytes, for parsers that pick a few keys out
 * of a message without building it: it walks objects and arrays member by
 * member, skips (and validates) whatever it is not asked to read, and
 * rejects exactly what JSON.parse rejects, bar nesting deeper than
 * MAX_DEPTH. Nothing is allocated: positions come back as integers, and the
 * little state a step leaves behind (the last key's bounds, whether a
 * container closed, whether a string held an escape) sits in module
 * variables holding small integers and booleans, which V8 stores unboxed.
 *
 * Errors are negative return values: ScanError.TRUNCATED when the input
 * ends inside a value, MALFORMED for anything else that is not JSON,
 * TOO_DEEP past the depth limit. Every index returned is >= 0 otherwise.
 */

export const ScanError = {
  TRUNCATED: -1,
  MALFORMED: -2,
  TOO_DEEP: -3,
} as const;

export const MAX_DEPTH = 64;

/** JSON's structural bytes, for every scanner and parser of the feed. */
export const QUOTE = 0x22;
const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
const COLON = 0x3a;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Set by scanString: whether the string just scanned held a backslash escape. */
export let strEscaped = false;
/** Set by objectStart/objectNext: bounds of the current member's key (between the quotes), and whether it held an escape. */
export let keyStart = 0;
export let keyEnd = 0;
export let keyEscaped = false;
/** Set by objectStart/objectNext/arrayStart/arrayNext: the container just closed. */
export let closed = false;

/** Open containers of skipValue: LBRACE or LBRACKET. */
const STACK = new Uint8Array(MAX_DEPTH);

export function skipWs(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/** b[i] is '"'. Returns the index just past the closing quote; sets strEscaped. */
export function scanString(b: Uint8Array, i: number, end: number): number {
  i++;
  let escaped = false;
  while (i < end) {
    const c = b[i];
    if (c === QUOTE) {
      strEscaped = escaped;
      return i + 1;
    }
    if (c === BACKSLASH) {
      escaped = true;
      if (++i >= end) return ScanError.TRUNCATED;
      const e = b[i];
      if (e === 0x75) {
        // \uXXXX
        for (let k = 1; k <= 4; k++) {
          if (i + k >= end) return ScanError.TRUNCATED;
          if (!isHex(b[i + k])) return ScanError.MALFORMED;
        }
        i += 5;
      } else if (
        e === QUOTE ||
        e === BACKSLASH ||
        e === 0x2f || // /
        e === 0x62 || // b
        e === 0x66 || // f
        e === 0x6e || // n
        e === 0x72 || // r
        e === 0x74 // t
      ) {
        i++;
      } else {
        return ScanError.MALFORMED;
      }
    } else if (c < 0x20) {
      return ScanError.MALFORMED; // raw control characters are not allowed in JSON strings
    } else {
      i++;
    }
  }
  return ScanError.TRUNCATED;
}

/** Validates the JSON number at b[i]; returns the index just past it. */
export function skipNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === MINUS && ++i >= end) return ScanError.TRUNCATED;
  let c = b[i];
  if (c === ZERO) {
    i++;
  } else if (c > ZERO && c <= NINE) {
    i++;
    while (i < end && (c = b[i]) >= ZERO && c <= NINE) i++;
  } else {
    return ScanError.MALFORMED;
  }
  if (i < end && b[i] === DOT) {
    if (++i >= end) return ScanError.TRUNCATED;
    c = b[i];
    if (c < ZERO || c > NINE) return ScanError.MALFORMED;
    i++;
    while (i < end && (c = b[i]) >= ZERO && c <= NINE) i++;
  }
  if (i < end && (b[i] | 0x20) === 0x65) {
    if (++i >= end) return ScanError.TRUNCATED;
    c = b[i];
    if (c === MINUS || c === PLUS) {
      if (++i >= end) return ScanError.TRUNCATED;
      c = b[i];
    }
    if (c < ZERO || c > NINE) return ScanError.MALFORMED;
    i++;
    while (i < end && (c = b[i]) >= ZERO && c <= NINE) i++;
  }
  return i;
}

const TRUE = ascii('true');
const FALSE = ascii('false');
const NULL = ascii('null');

/** b[i] starts true, false or null. */
function skipLiteral(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  const lit = c === 0x74 ? TRUE : c === 0x66 ? FALSE : c === 0x6e ? NULL : undefined;
  if (lit === undefined) return ScanError.MALFORMED;
  for (let k = 1; k < lit.length; k++) {
    if (i + k >= end) return ScanError.TRUNCATED;
    if (b[i + k] !== lit[k]) return ScanError.MALFORMED;
  }
  return i + lit.length;
}

/** At a member's key quote: scans the key, the colon and the whitespace after; returns the value's index. */
function memberValue(b: Uint8Array, i: number, end: number): number {
  if (b[i] !== QUOTE) return ScanError.MALFORMED;
  const k = i + 1;
  i = scanString(b, i, end);
  if (i < 0) return i;
  keyStart = k;
  keyEnd = i - 1;
  keyEscaped = strEscaped;
  i = skipWs(b, i, end);
  if (i >= end) return ScanError.TRUNCATED;
  if (b[i] !== COLON) return ScanError.MALFORMED;
  i = skipWs(b, i + 1, end);
  return i < end ? i : ScanError.TRUNCATED;
}

/**
 * Validates and skips any JSON value at b[i] (leading whitespace allowed);
 * returns the index just past it.
 */
export function skipValue(b: Uint8Array, i: number, end: number): number {
  let depth = 0;
  for (;;) {
    i = skipWs(b, i, end);
    if (i >= end) return ScanError.TRUNCATED;
    let c = b[i];
    if (c === LBRACE || c === LBRACKET) {
      i = skipWs(b, i + 1, end);
      if (i >= end) return ScanError.TRUNCATED;
      if (b[i] === (c === LBRACE ? RBRACE : RBRACKET)) {
        i++;
      } else {
        if (depth === MAX_DEPTH) return ScanError.TOO_DEEP;
        STACK[depth++] = c;
        if (c === LBRACE) {
          i = memberValue(b, i, end);
          if (i < 0) return i;
        }
        continue;
      }
    } else if (c === QUOTE) {
      i = scanString(b, i, end);
      if (i < 0) return i;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      i = skipNumber(b, i, end);
      if (i < 0) return i;
    } else {
      i = skipLiteral(b, i, end);
      if (i < 0) return i;
    }
    // After a value: close what ends here, or step to the next element or member.
    for (;;) {
      if (depth === 0) return i;
      i = skipWs(b, i, end);
      if (i >= end) return ScanError.TRUNCATED;
      c = b[i];
      const open = STACK[depth - 1];
      if (c === COMMA) {
        i = skipWs(b, i + 1, end);
        if (i >= end) return ScanError.TRUNCATED;
        if (open === LBRACE) {
          i = memberValue(b, i, end);
          if (i < 0) return i;
        }
        break;
      }
      if (c !== (open === LBRACE ? RBRACE : RBRACKET)) return ScanError.MALFORMED;
      i++;
      depth--;
    }
  }
}

/**
 * b[i] is '{'. Returns the index of the first member's value with the key in
 * keyStart/keyEnd (closed = false), or, for '{}', the index past it (closed = true).
 */
export function objectStart(b: Uint8Array, i: number, end: number): number {
  i = skipWs(b, i + 1, end);
  if (i >= end) return ScanError.TRUNCATED;
  if (b[i] === RBRACE) {
    closed = true;
    return i + 1;
  }
  closed = false;
  return memberValue(b, i, end);
}

/** Just past a member's value: the next member's value index (closed = false) or the index past '}' (closed = true). */
export function objectNext(b: Uint8Array, i: number, end: number): number {
  i = skipWs(b, i, end);
  if (i >= end) return ScanError.TRUNCATED;
  const c = b[i];
  if (c === COMMA) {
    i = skipWs(b, i + 1, end);
    if (i >= end) return ScanError.TRUNCATED;
    closed = false;
    return memberValue(b, i, end);
  }
  if (c === RBRACE) {
    closed = true;
    return i + 1;
  }
  return ScanError.MALFORMED;
}

/** b[i] is '['. Returns the first element's index (closed = false), or for '[]' the index past it (closed = true). */
export function arrayStart(b: Uint8Array, i: number, end: number): number {
  i = skipWs(b, i + 1, end);
  if (i >= end) return ScanError.TRUNCATED;
  if (b[i] === RBRACKET) {
    closed = true;
    return i + 1;
  }
  closed = false;
  return i;
}

/** Just past an element: the next element's index (closed = false) or the index past ']' (closed = true). */
export function arrayNext(b: Uint8Array, i: number, end: number): number {
  i = skipWs(b, i, end);
  if (i >= end) return ScanError.TRUNCATED;
  const c = b[i];
  if (c === COMMA) {
    i = skipWs(b, i + 1, end);
    if (i >= end) return ScanError.TRUNCATED;
    closed = false;
    return i;
  }
  if (c === RBRACKET) {
    closed = true;
    return i + 1;
  }
  return ScanError.MALFORMED;
}

/** Whether the key just read (keyStart..keyEnd) is exactly the ASCII bytes of `lit`. */
export function keyIs(b: Uint8Array, lit: Uint8Array): boolean {
  const n = lit.length;
  if (keyEnd - keyStart !== n) return false;
  for (let k = 0; k < n; k++) if (b[keyStart + k] !== lit[k]) return false;
  return true;
}

/** Whether b[start..end) is exactly the bytes of `lit`. */
export function bytesAre(b: Uint8Array, start: number, end: number, lit: Uint8Array): boolean {
  const n = lit.length;
  if (end - start !== n) return false;
  for (let k = 0; k < n; k++) if (b[start + k] !== lit[k]) return false;
  return true;
}

/** ASCII string -> bytes, for key constants (module load time only). */
export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) out[k] = s.charCodeAt(k);
  return out;
}
