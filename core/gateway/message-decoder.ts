/**
 * Reads the venue's WebSocket API messages without JSON.parse, the way the
 * feed parsers read ticks: the text is encoded into a reused byte scratch
 * and walked with the validating scanner of core/feed, picking out only the
 * members the gateway acts on. Results land in the decoder's own fields and
 * typed arrays (no object per message); a string the gateway needs is never
 * made: client order ids are read as the number they carry (`<prefix><digits>`,
 * -1 for anybody else's), enums are compared as bytes.
 *
 * Shapes (web-socket-api.md, user-data-stream.md):
 *   response  {"id":7,"status":200,"result":{...} | [{...},...],"rateLimits":[...]}
 *             {"id":7,"status":4xx|5xx,"error":{"code":-2010,"msg":"...","data":{"retryAfter":...}},"rateLimits":[...]}
 *   event     {"subscriptionId":0,"event":{"e":"executionReport",...}}   {"event":{"e":"serverShutdown",...}}
 * An order report (order.place RESULT, order.cancel, order.status, each item
 * of openOrders.status) fills one row of the report columns; an executionReport
 * fills row 0 with its c/C/X/z/Z and the trade in trade*. Keys may come in any
 * order; unknown members are skipped (and validated).
 */
import { fieldStatus, readNumber, readString, strEnd, strStart } from '../feed/field-reader.js';
import { Reason } from '../feed/feed-stats.js';
import { LBRACE, LBRACKET, QUOTE, ScanError, arrayNext, arrayStart, ascii, bytesAre, closed, keyEnd, keyIs, keyStart, objectNext, objectStart, skipValue, skipWs } from '../feed/json-scanner.js';
import { EV_EXECUTION, EV_SHUTDOWN, EXEC_WORDS, ExecType, INTERVAL_MS, K, LIMIT_WORDS, LimitType, MsgKind, STATUS_WORDS, VenueStatus, word } from './venue-words.js';

export { ExecType, LimitType, MsgKind, VenueStatus } from './venue-words.js';

const MAX_LIMITS = 8;

export class MessageDecoder {
  kind: number = MsgKind.MALFORMED;
  /** Response: the request id (a non-negative integer as the gateway sends them), -1 when null or not ours. */
  id = -1;
  status = 0;
  /** Error response: code, msg bounds in `bytes`, data.retryAfter (epoch ms; NaN when absent). */
  errorCode = 0;
  errorMsgStart = 0;
  errorMsgEnd = 0;
  retryAfter = NaN;
  /** Whether "result" was an array (openOrders.status), and how many order rows it gave. */
  resultIsArray = false;
  rows = 0;
  /** Order report columns, one row per report. clientId: from clientOrderId (event: "c"); origClientId: origClientOrderId (event: "C"). */
  clientId = new Float64Array(16);
  origClientId = new Float64Array(16);
  orderId = new Float64Array(16);
  venueStatus = new Int32Array(16);
  cumQty = new Float64Array(16);
  cumQuote = new Float64Array(16);
  origQty = new Float64Array(16);
  /** executionReport only. */
  execType: number = ExecType.NONE;
  tradeId = -1;
  lastQty = 0;
  lastPrice = 0;
  /** rateLimits: type, interval (ms), limit, count. */
  limitCount = 0;
  readonly limitType = new Int32Array(MAX_LIMITS);
  readonly limitIntervalMs = new Float64Array(MAX_LIMITS);
  readonly limitMax = new Float64Array(MAX_LIMITS);
  readonly limitUsed = new Float64Array(MAX_LIMITS);

  /** The message's UTF-8 bytes (a Buffer: its write() returns a count, where encodeInto returns an object). */
  bytes: Buffer;
  private length = 0;
  private eventKind: number = MsgKind.OTHER_EVENT;
  private readonly num = new Float64Array(1);
  private readonly prefix: Uint8Array;

  /** `clientIdPrefix`: what the gateway puts before the number in every clientOrderId it makes. */
  constructor(clientIdPrefix: string, capacity = 1 << 16) {
    this.prefix = ascii(clientIdPrefix);
    this.bytes = Buffer.alloc(capacity);
  }

  /** The error message (slow path: logs and final reasons only). */
  errorMessage(): string {
    return this.bytes.toString('utf8', this.errorMsgStart, this.errorMsgEnd);
  }

  /** Decodes one text frame; returns `kind` (MsgKind.MALFORMED when it is no message we can read). */
  decode(text: string): number {
    // UTF-8 needs at most 3 bytes per UTF-16 unit: grow (rarely, and only for huge openOrders lists) so it always fits.
    if (text.length * 3 > this.bytes.length) this.bytes = Buffer.alloc(text.length * 3);
    this.length = this.bytes.write(text, 0, 'utf8');
    this.reset();
    this.kind = this.top(this.bytes, this.length);
    return this.kind;
  }

  private reset(): void {
    this.id = -1;
    this.status = 0;
    this.errorCode = 0;
    this.errorMsgStart = this.errorMsgEnd = 0;
    this.retryAfter = NaN;
    this.resultIsArray = false;
    this.rows = 0;
    this.execType = ExecType.NONE;
    this.tradeId = -1;
    this.lastQty = this.lastPrice = 0;
    this.limitCount = 0;
  }

  private top(b: Uint8Array, end: number): number {
    let i = skipWs(b, 0, end);
    if (i >= end || b[i] !== LBRACE) return MsgKind.MALFORMED;
    let kind: number = MsgKind.MALFORMED;
    let hasStatus = false;
    for (i = objectStart(b, i, end); i >= 0 && !closed; i = objectNext(b, i, end)) {
      if (keyIs(b, K.id)) {
        i = this.number(b, i, end);
        const v = this.num[0];
        this.id = fieldStatus === Reason.OK && Number.isInteger(v) && v >= 0 ? v : -1;
      } else if (keyIs(b, K.status)) {
        i = this.number(b, i, end);
        hasStatus = fieldStatus === Reason.OK;
        this.status = hasStatus ? this.num[0] : 0;
      } else if (keyIs(b, K.result)) {
        i = this.result(b, i, end);
      } else if (keyIs(b, K.error)) {
        i = this.error(b, i, end);
      } else if (keyIs(b, K.rateLimits)) {
        i = this.rateLimits(b, i, end);
      } else if (keyIs(b, K.event)) {
        i = b[i] === LBRACE ? this.event(b, i, end) : skipValue(b, i, end);
        kind = this.eventKind;
      } else {
        i = skipValue(b, i, end);
      }
    }
    if (i < 0 || skipWs(b, i, end) !== end) return MsgKind.MALFORMED;
    if (kind !== MsgKind.MALFORMED) return kind;
    return hasStatus ? MsgKind.RESPONSE : MsgKind.MALFORMED;
  }

  private number(b: Uint8Array, i: number, end: number): number {
    return readNumber(b, i, end, this.num, 0);
  }

  /** A clientOrderId string -> its number, or -1 when it is not one of ours (or empty). */
  private clientNumber(b: Uint8Array, i: number, end: number): number {
    const j = readString(b, i, end);
    this.num[0] = -1;
    if (j < 0 || fieldStatus !== Reason.OK) return j;
    const p = this.prefix;
    const s = strStart;
    const n = strEnd - s - p.length;
    if (n < 1 || n > 16) return j;
    for (let k = 0; k < p.length; k++) if (b[s + k] !== p[k]) return j;
    let v = 0;
    for (let k = s + p.length; k < strEnd; k++) {
      const d = b[k] - 0x30;
      if (d < 0 || d > 9) return j;
      v = v * 10 + d;
    }
    if (v <= Number.MAX_SAFE_INTEGER) this.num[0] = v;
    return j;
  }

  private ensureRows(n: number): void {
    if (n <= this.clientId.length) return;
    const grow = <T extends Float64Array | Int32Array>(a: T): T => {
      const c = new (a.constructor as new (n: number) => T)(a.length * 2);
      c.set(a);
      return c;
    };
    this.clientId = grow(this.clientId);
    this.origClientId = grow(this.origClientId);
    this.orderId = grow(this.orderId);
    this.venueStatus = grow(this.venueStatus);
    this.cumQty = grow(this.cumQty);
    this.cumQuote = grow(this.cumQuote);
    this.origQty = grow(this.origQty);
  }

  private result(b: Uint8Array, i: number, end: number): number {
    if (b[i] === LBRACE) return this.orderRow(b, i, end, this.rows++);
    if (b[i] !== LBRACKET) return skipValue(b, i, end);
    this.resultIsArray = true;
    for (i = arrayStart(b, i, end); i >= 0 && !closed; i = arrayNext(b, i, end)) {
      if (b[i] !== LBRACE) return ScanError.MALFORMED; // an openOrders item is always an object
      this.ensureRows(this.rows + 1);
      i = this.orderRow(b, i, end, this.rows++);
      if (i < 0) return i;
    }
    return i;
  }

  /** One order report object into row r. */
  private orderRow(b: Uint8Array, i: number, end: number, r: number): number {
    this.clientId[r] = -1;
    this.origClientId[r] = -1;
    this.orderId[r] = -1;
    this.venueStatus[r] = VenueStatus.NONE;
    this.cumQty[r] = 0;
    this.cumQuote[r] = 0;
    this.origQty[r] = NaN;
    for (i = objectStart(b, i, end); i >= 0 && !closed; i = objectNext(b, i, end)) {
      // The key's length picks the one candidate to compare (orderId and origQty share 7).
      const n = keyEnd - keyStart;
      if (n === 13 && keyIs(b, K.clientOrderId)) {
        i = this.clientNumber(b, i, end);
        this.clientId[r] = this.num[0];
      } else if (n === 17 && keyIs(b, K.origClientOrderId)) {
        i = this.clientNumber(b, i, end);
        this.origClientId[r] = this.num[0];
      } else if (n === 7 && keyIs(b, K.orderId)) {
        i = this.number(b, i, end);
        this.orderId[r] = fieldStatus === Reason.OK ? this.num[0] : -1;
      } else if (n === 6 && keyIs(b, K.status)) {
        i = readString(b, i, end);
        this.venueStatus[r] = word(b, STATUS_WORDS, VenueStatus.NONE);
      } else if (n === 11 && keyIs(b, K.executedQty)) {
        i = this.number(b, i, end);
        this.cumQty[r] = fieldStatus === Reason.OK ? this.num[0] : 0;
      } else if (n === 19 && keyIs(b, K.cummulativeQuoteQty)) {
        i = this.number(b, i, end);
        this.cumQuote[r] = fieldStatus === Reason.OK ? this.num[0] : 0;
      } else if (n === 7 && keyIs(b, K.origQty)) {
        i = this.number(b, i, end);
        this.origQty[r] = fieldStatus === Reason.OK ? this.num[0] : NaN;
      } else {
        i = skipValue(b, i, end);
      }
    }
    return i;
  }

  private error(b: Uint8Array, i: number, end: number): number {
    if (b[i] !== LBRACE) return skipValue(b, i, end);
    for (i = objectStart(b, i, end); i >= 0 && !closed; i = objectNext(b, i, end)) {
      if (keyIs(b, K.code)) {
        i = this.number(b, i, end);
        this.errorCode = fieldStatus === Reason.OK ? this.num[0] : 0;
      } else if (keyIs(b, K.msg)) {
        i = readString(b, i, end);
        if (i >= 0 && b[i - 1] === QUOTE) {
          this.errorMsgStart = strStart;
          this.errorMsgEnd = strEnd;
        }
      } else if (keyIs(b, K.data) && b[i] === LBRACE) {
        for (i = objectStart(b, i, end); i >= 0 && !closed; i = objectNext(b, i, end)) {
          if (keyIs(b, K.retryAfter)) {
            i = this.number(b, i, end);
            if (fieldStatus === Reason.OK) this.retryAfter = this.num[0];
          } else {
            i = skipValue(b, i, end);
          }
        }
      } else {
        i = skipValue(b, i, end);
      }
    }
    return i;
  }

  private rateLimits(b: Uint8Array, i: number, end: number): number {
    if (b[i] !== LBRACKET) return skipValue(b, i, end);
    for (i = arrayStart(b, i, end); i >= 0 && !closed; i = arrayNext(b, i, end)) {
      const n = this.limitCount;
      if (b[i] !== LBRACE || n === MAX_LIMITS) {
        i = skipValue(b, i, end);
        continue;
      }
      let type: number = LimitType.OTHER;
      let unit = NaN;
      let mult = 1;
      let limit = NaN;
      let count = NaN;
      for (i = objectStart(b, i, end); i >= 0 && !closed; i = objectNext(b, i, end)) {
        const n = keyEnd - keyStart;
        if (n === 13 && keyIs(b, K.rateLimitType)) {
          i = readString(b, i, end);
          type = word(b, LIMIT_WORDS, LimitType.OTHER);
        } else if (n === 8 && keyIs(b, K.interval)) {
          i = readString(b, i, end);
          unit = word(b, INTERVAL_MS, NaN);
        } else if (n === 11 && keyIs(b, K.intervalNum)) {
          i = this.number(b, i, end);
          mult = fieldStatus === Reason.OK ? this.num[0] : NaN;
        } else if (n === 5 && keyIs(b, K.limit)) {
          i = this.number(b, i, end);
          limit = fieldStatus === Reason.OK ? this.num[0] : NaN;
        } else if (n === 5 && keyIs(b, K.count)) {
          i = this.number(b, i, end);
          count = fieldStatus === Reason.OK ? this.num[0] : NaN;
        } else {
          i = skipValue(b, i, end);
        }
      }
      if (i >= 0 && type !== LimitType.OTHER && unit * mult > 0 && limit > 0 && count >= 0) {
        this.limitType[n] = type;
        this.limitIntervalMs[n] = unit * mult;
        this.limitMax[n] = limit;
        this.limitUsed[n] = count;
        this.limitCount = n + 1;
      }
    }
    return i;
  }

  /** The "event" object; an executionReport fills row 0 and the trade fields. */
  private event(b: Uint8Array, i: number, end: number): number {
    this.eventKind = MsgKind.OTHER_EVENT;
    this.rows = 1;
    this.clientId[0] = this.origClientId[0] = this.orderId[0] = -1;
    this.venueStatus[0] = VenueStatus.NONE;
    this.cumQty[0] = this.cumQuote[0] = 0;
    this.origQty[0] = NaN;
    let type = 0; // 1 executionReport, 2 serverShutdown
    for (i = objectStart(b, i, end); i >= 0 && !closed; i = objectNext(b, i, end)) {
      // Every key read here is one byte: one switch instead of a chain of compares.
      switch (keyEnd - keyStart === 1 ? b[keyStart] : 0) {
        case 0x65: // e
          i = readString(b, i, end);
          type = fieldStatus !== Reason.OK ? 0 : bytesAre(b, strStart, strEnd, EV_EXECUTION) ? 1 : bytesAre(b, strStart, strEnd, EV_SHUTDOWN) ? 2 : 0;
          break;
        case 0x63: // c
          i = this.clientNumber(b, i, end);
          this.clientId[0] = this.num[0];
          break;
        case 0x43: // C
          i = this.clientNumber(b, i, end);
          this.origClientId[0] = this.num[0];
          break;
        case 0x78: // x
          i = readString(b, i, end);
          this.execType = word(b, EXEC_WORDS, ExecType.OTHER);
          break;
        case 0x58: // X
          i = readString(b, i, end);
          this.venueStatus[0] = word(b, STATUS_WORDS, VenueStatus.NONE);
          break;
        case 0x69: // i
          i = this.number(b, i, end);
          this.orderId[0] = fieldStatus === Reason.OK ? this.num[0] : -1;
          break;
        case 0x71: // q
          i = this.number(b, i, end);
          this.origQty[0] = fieldStatus === Reason.OK ? this.num[0] : NaN;
          break;
        case 0x7a: // z
          i = this.number(b, i, end);
          this.cumQty[0] = fieldStatus === Reason.OK ? this.num[0] : 0;
          break;
        case 0x5a: // Z
          i = this.number(b, i, end);
          this.cumQuote[0] = fieldStatus === Reason.OK ? this.num[0] : 0;
          break;
        case 0x6c: // l
          i = this.number(b, i, end);
          this.lastQty = fieldStatus === Reason.OK ? this.num[0] : 0;
          break;
        case 0x4c: // L
          i = this.number(b, i, end);
          this.lastPrice = fieldStatus === Reason.OK ? this.num[0] : 0;
          break;
        case 0x74: // t
          i = this.number(b, i, end);
          this.tradeId = fieldStatus === Reason.OK ? this.num[0] : -1;
          break;
        default:
          i = skipValue(b, i, end);
      }
    }
    if (type === 1) this.eventKind = MsgKind.EXECUTION_REPORT;
    else if (type === 2) this.eventKind = MsgKind.SERVER_SHUTDOWN;
    else this.rows = 0;
    return i;
  }
}
