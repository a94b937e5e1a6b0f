import { expect } from 'chai';
import { SimScheduler } from '../core/clock/scheduler.js';

describe('SimScheduler', () => {
  it('runs timers in due order, ties in the order set, each at its due time; cancelled ones never', () => {
    const s = new SimScheduler(1000);
    const seen: string[] = [];
    s.after(30, () => seen.push(`c@${s.nowMs()}`));
    s.after(10, () => seen.push(`a@${s.nowMs()}`));
    s.after(10, () => seen.push(`b@${s.nowMs()}`));
    const x = s.after(20, () => seen.push('cancelled'));
    s.cancel(x);
    s.after(5, () => s.after(0, () => seen.push(`nested@${s.nowMs()}`)));
    s.runUntil(1025);
    expect(seen).to.deep.equal(['nested@1005', 'a@1010', 'b@1010']);
    expect(s.nowMs()).to.equal(1025);
    s.advance(10);
    expect(seen.at(-1)).to.equal('c@1030');
  });

  it('runIdle drains a chain of timers and stops at its limit', () => {
    const s = new SimScheduler(0);
    let n = 0;
    const tick = (): void => {
      n++;
      s.after(100, tick);
    };
    s.after(100, tick);
    expect(s.runIdle(1000)).to.equal(false);
    expect(n).to.equal(10);
    const t = new SimScheduler(0);
    t.after(50, () => n++);
    expect(t.runIdle()).to.equal(true);
  });
});
