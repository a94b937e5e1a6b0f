import { expect } from 'chai';
import { PerformanceObserver } from 'node:perf_hooks';
import { createParser } from '../core/feed/create-parser.js';
import { REASON_NAMES, Reason } from '../core/feed/feed-stats.js';
import { SymbolMap, VENUES, venueSymbol, type Venue } from '../core/feed/symbol-map.js';
import type { VenueParser } from '../core/feed/venue-parser.js';
import { REFERENCE, type RefResult } from './feed-reference.js';
import { Rng, documentedMessage, mutate, parserResult, randomMessage, sameItem } from './feed-messages.js';

const UNIFIED = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USD', 'SYN001/USDT'];

function setup(venue: Venue): { p: VenueParser; map: SymbolMap; names: string[] } {
  const map = SymbolMap.fromList(venue, UNIFIED);
  return { p: createParser(venue, map), map, names: UNIFIED.map((u) => venueSymbol(venue, u)) };
}

function show(r: RefResult): string {
  return JSON.stringify({ ...r, reason: REASON_NAMES[r.reason], items: r.items.map((i) => ({ ...i, status: REASON_NAMES[i.status] })) });
}

function parseBytes(p: VenueParser, b: Uint8Array): RefResult {
  return parserResult(p, p.parse(b, 0, b.length));
}

describe('feed parsers agree with a JSON.parse reference', () => {
  for (const venue of VENUES) {
    it(`${venue}: the documented layouts (fast path) read as the reference reads them`, () => {
      const { p, map, names } = setup(venue);
      const r = new Rng(77 + venue.length);
      for (let k = 0; k < 2_000; k++) {
        const text = documentedMessage(venue, r, names);
        const want = REFERENCE[venue](text, map);
        const got = parseBytes(p, Buffer.from(text));
        expect(got.reason).to.equal(Reason.OK);
        if (!got.items.every((item, j) => item.status === Reason.OK && sameItem(item, want.items[j]))) {
          expect.fail(`${venue}:\n${text}\nparser:    ${show(got)}\nreference: ${show(want)}`);
        }
      }
    });

    it(`${venue}: 5,000 random valid messages (any key order, unknown members, numbers of every shape) read identically, to the last bit`, () => {
      const { p, map, names } = setup(venue);
      const r = new Rng(0x5eed + venue.length);
      let ticks = 0;
      for (let k = 0; k < 5_000; k++) {
        const text = randomMessage(venue, r, names);
        const want = REFERENCE[venue](text, map);
        const got = parseBytes(p, Buffer.from(text));
        const same =
          got.reason === want.reason &&
          got.kind === want.kind &&
          Object.is(got.seq, want.seq) &&
          got.items.length === want.items.length &&
          got.items.every((item, j) => sameItem(item, want.items[j]));
        if (!same) expect.fail(`${venue} message ${k}:\n${text}\nparser:    ${show(got)}\nreference: ${show(want)}`);
        ticks += got.items.filter((i) => i.status === Reason.OK).length;
      }
      expect(ticks).to.be.greaterThan(1_500); // most generated ticks are sound
    });

    it(`${venue}: fuzz, 10,000 random byte strings and mutated messages: refused, or read as the reference reads them`, () => {
      const { p, map, names } = setup(venue);
      const r = new Rng(0xf022 + venue.length);
      let accepted = 0;
      for (let k = 0; k < 10_000; k++) {
        let b: Uint8Array;
        if (k % 4 === 0) {
          b = new Uint8Array(r.int(200));
          for (let j = 0; j < b.length; j++) b[j] = r.chance(0.7) ? 0x20 + r.int(95) : r.int(256);
        } else {
          b = mutate(r, Buffer.from(randomMessage(venue, r, names)));
        }
        let got: RefResult;
        try {
          got = parseBytes(p, b);
        } catch (e) {
          expect.fail(`threw ${(e as Error).message} on ${JSON.stringify(Buffer.from(b).toString('latin1'))}`);
        }
        if (got.reason !== Reason.OK) continue;
        const text = Buffer.from(b).toString('utf8');
        const want = REFERENCE[venue](text, map);
        const fail = () => expect.fail(`${venue} accepted ${JSON.stringify(text)}\nparser:    ${show(got)}\nreference: ${show(want)}`);
        if (want.reason !== Reason.OK || want.kind !== got.kind || want.items.length !== got.items.length) fail();
        got.items.forEach((item, j) => {
          if (item.status === Reason.OK && !sameItem(item, want.items[j])) fail();
          if (item.status === Reason.OK) accepted++;
        });
      }
      expect(accepted).to.be.greaterThan(300); // the mutations leave many messages intact
    });
  }

  it('allocates nothing: no GC over 1M messages of every venue, shape and defect', async () => {
    // Mostly what venues send (the documented layouts: the fast path), then every other shape and defect.
    const corpus: { p: VenueParser; b: Buffer }[] = [];
    for (const venue of VENUES) {
      const { p, names } = setup(venue);
      const r = new Rng(31 + venue.length);
      for (let k = 0; k < 700; k++) corpus.push({ p, b: Buffer.from(documentedMessage(venue, r, names)) });
      for (let k = 0; k < 200; k++) corpus.push({ p, b: Buffer.from(randomMessage(venue, r, names)) });
      for (let k = 0; k < 100; k++) corpus.push({ p, b: Buffer.from(mutate(r, Buffer.from(randomMessage(venue, r, names)))) });
    }
    const run = (n: number) => {
      let ok = 0;
      for (let k = 0; k < n; k++) {
        const { p, b } = corpus[k % corpus.length];
        if (p.parse(b, 0, b.length) === Reason.OK) ok++;
      }
      return ok;
    };
    run(400_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // From an empty young generation: earlier tests' garbage must not be what triggers a GC here.
    (globalThis as { gc?: () => void }).gc?.();
    let gcs = 0;
    const obs = new PerformanceObserver((list) => {
      gcs += list.getEntries().length;
    });
    obs.observe({ entryTypes: ['gc'] });
    const ok = run(1_000_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    obs.disconnect();
    expect(ok).to.be.greaterThan(500_000);
    expect(gcs).to.equal(0);
  });
});
