/**
 * Benchmark ratios keep two decimals, but small ones keep 3 significant
 * digits: a ratio of 0.000237 must not print as 0x.
 */
import { expect } from 'chai';
import { throughputRatio, timeRatio } from '../perf/bench-report.js';

describe('bench report ratios', () => {
  it('keep two decimals from 10 up and 3 significant digits below', () => {
    expect(timeRatio(4217, 1)).to.equal(0.000237);
    expect(timeRatio(3, 1)).to.equal(0.333);
    expect(throughputRatio(1.23456, 1)).to.equal(1.23);
    expect(throughputRatio(19.4, 1)).to.equal(19.4);
    expect(throughputRatio(123.456, 1)).to.equal(123.46);
  });
});
