import { expect } from 'chai';
import { SimScheduler, type Scheduler, type TimerId } from '../core/clock/scheduler.js';
import { InOrderQueue } from '../sim/network/in-order-lane.js';
import { CLOSE_ABNORMAL, CLOSE_NORMAL, MemoryLink, type SessionOpener, type VenuePeer, type VenueSession } from '../sim/network/memory-link.js';
import { NetworkModel } from '../sim/network/network-model.js';
import type { NetworkOptionsInput } from '../sim/network/options.js';

const T0 = Date.UTC(2026, 0, 1);

/** A venue that answers every message with "ack:" + the message, and records what happened to it. */
class EchoVenue implements SessionOpener {
  opened = 0;
  closed = 0;
  pongs = 0;
  received: string[] = [];
  receivedAt: number[] = [];
  peers: VenuePeer[] = [];

  constructor(private readonly s: SimScheduler) {}

  openSession(peer: VenuePeer): VenueSession {
    this.opened++;
    this.peers.push(peer);
    return {
      receive: (text) => {
        this.received.push(text);
        this.receivedAt.push(this.s.nowMs());
        peer.send(`ack:${text}`);
      },
      pong: () => this.pongs++,
      closed: () => this.closed++,
    };
  }
}

interface Rig {
  s: SimScheduler;
  model: NetworkModel;
  venue: EchoVenue;
  link: MemoryLink;
  events: string[];
  messages: string[];
  messageAt: number[];
}

function rig(options: NetworkOptionsInput = {}): Rig {
  const s = new SimScheduler(T0);
  const model = new NetworkModel(s, options);
  const venue = new EchoVenue(s);
  const link = new MemoryLink(s, model, venue, { ip: '10.0.0.7' });
  const r: Rig = { s, model, venue, link, events: [], messages: [], messageAt: [] };
  link.onOpen = () => r.events.push(`open@${s.nowMs() - T0}`);
  link.onClose = (code, reason) => r.events.push(`close ${code} ${reason}@${s.nowMs() - T0}`);
  link.onMessage = (text) => {
    r.messages.push(text);
    r.messageAt.push(s.nowMs());
  };
  return r;
}

/** Strictly increasing numbers: messages "0", "1", ... arrived in the order sent (some possibly lost). */
function inOrder(texts: string[]): boolean {
  const n = texts.map((t) => Number(t.replace('ack:', '')));
  return n.every((v, i) => i === 0 || v > n[i - 1]);
}

describe('MemoryLink: an in-memory venue connection over the network model', () => {
  it('opens after one delay each way, and a request and its answer cross it in about one round trip', () => {
    const r = rig({ profile: 'perfect' });
    r.link.connect();
    expect(() => r.link.send('too early')).to.throw(/connecting/);
    r.s.advance(10);
    expect(r.venue.opened).to.equal(1);
    expect(r.venue.peers[0].ip).to.equal('10.0.0.7');
    expect(r.events).to.have.length(1);
    const openedAt = Number(r.events[0].split('@')[1]);
    expect(openedAt).to.be.within(1.5, 2.5); // Perfect: 1 ms +- 0.1 each way
    r.link.send('hello');
    const sentAt = r.s.nowMs();
    r.s.advance(10);
    expect(r.venue.received).to.deep.equal(['hello']);
    expect(r.messages).to.deep.equal(['ack:hello']);
    expect(r.messageAt[0] - sentAt).to.be.within(1.5, 2.5);
  });

  it('keeps order in each direction under heavy jitter (no message overtakes an earlier one)', () => {
    const r = rig({ profile: 'poor', ar1: 0, seed: 3 }); // sigma 50 ms, sends 1 ms apart: plain delays would reorder
    r.link.connect();
    r.s.advance(2000);
    for (let i = 0; i < 2000; i++) {
      r.link.send(String(i));
      r.s.advance(1);
    }
    r.s.advance(30_000);
    expect(r.venue.received.length).to.be.above(1800);
    expect(r.messages.length).to.be.above(1600);
    expect(inOrder(r.venue.received), 'venue side').to.equal(true);
    expect(inOrder(r.messages), 'client side').to.equal(true);
  });

  it('loses both kinds: requests the venue never saw, and answers lost after the venue acted', () => {
    const r = rig({ profile: 'poor', seed: 8 }); // 5 % loss each way
    r.link.connect();
    r.s.advance(2000);
    const n = 4000;
    for (let i = 0; i < n; i++) {
      r.link.send(String(i));
      r.s.advance(5);
    }
    r.s.advance(60_000);
    const se = (k: number): number => 4 * Math.sqrt((0.05 * 0.95) / k);
    const seen = r.venue.received.length;
    expect(1 - seen / n, 'requests lost before the venue').to.be.closeTo(0.05, se(n));
    expect(1 - r.messages.length / seen, 'answers lost after the venue acted').to.be.closeTo(0.05, se(seen));
    const venueSaw = new Set(r.venue.received);
    expect(r.messages.every((m) => venueSaw.has(m.slice(4))), 'every answer is to a request the venue saw').to.equal(true);
  });

  it('refuses to connect during an outage (no session opened), and connects once it is over', () => {
    const r = rig({ profile: 'perfect' });
    r.model.scheduleOutage(T0 + 100, 5000);
    r.s.advance(100);
    r.link.connect();
    r.s.advance(100);
    expect(r.events).to.have.length(1);
    expect(r.events[0]).to.match(new RegExp(`^close ${CLOSE_ABNORMAL} connection refused`));
    expect(r.venue.opened).to.equal(0);
    r.s.runUntil(T0 + 5100);
    r.link.connect();
    r.s.advance(10);
    expect(r.events[1]).to.match(/^open@51/);
    expect(r.venue.opened).to.equal(1);
  });

  it('refuses a handshake that reaches the venue just after an outage starts', () => {
    const r = rig({ profile: 'perfect' });
    r.model.scheduleOutage(T0 + 1000, 1000);
    r.s.runUntil(T0 + 999.5); // the handshake needs about 1 ms to arrive
    r.link.connect();
    r.s.advance(10);
    expect(r.venue.opened).to.equal(0);
    expect(r.events[0]).to.match(/connection refused/);
  });

  it('drops an open connection when an outage starts: onClose 1006 at that moment, the session closed, frames in flight lost', () => {
    const r = rig({ profile: 'good', seed: 5 }); // 10 ms each way
    r.link.connect();
    r.s.advance(100);
    r.model.scheduleOutage(T0 + 1000, 3000);
    for (let i = 0; r.s.nowMs() < T0 + 1000; i++) {
      r.link.send(String(i));
      r.s.advance(1);
    }
    const venueSeen = r.venue.received.length;
    const clientSeen = r.messages.length;
    r.link.send('after the drop'); // silently dropped, as ws does once closed
    r.s.advance(2000);
    expect(r.events).to.deep.equal(['open@' + r.events[0].split('@')[1], `close ${CLOSE_ABNORMAL} connection dropped: venue down@1000`]);
    expect(r.venue.closed).to.equal(1);
    expect(r.venue.received.length).to.equal(venueSeen);
    expect(r.messages.length).to.equal(clientSeen);
    expect(r.venue.receivedAt.every((t) => t <= T0 + 1000)).to.equal(true);
    // A message sent a few ms before the drop was still in flight: the venue has fewer than were sent.
    expect(venueSeen).to.be.below(900);
    r.s.runUntil(T0 + 4000);
    r.link.connect();
    r.s.advance(100);
    r.link.send('back');
    r.s.advance(100);
    expect(r.messages.at(-1)).to.equal('ack:back');
    expect(r.venue.opened).to.equal(2);
  });

  it('client close: earlier frames reach the venue first, then one onClose 1000 and one session close', () => {
    const r = rig({ profile: 'average', seed: 4 });
    r.link.connect();
    r.s.advance(2000);
    for (let i = 0; i < 50; i++) r.link.send(String(i));
    r.link.close();
    r.link.close();
    r.link.send('after close');
    r.s.advance(10_000);
    expect(r.venue.received.length).to.be.above(40);
    expect(r.venue.received).to.not.include('after close');
    expect(r.events.filter((e) => e.startsWith('close'))).to.have.length(1);
    expect(r.events.at(-1)).to.match(new RegExp(`^close ${CLOSE_NORMAL} @`));
    expect(r.venue.closed).to.equal(1);
    expect(r.link.readyState).to.equal('closed');
  });

  it('venue close: its earlier frames still arrive, then onClose with its code; later sends go nowhere', () => {
    const r = rig({ profile: 'good', seed: 6 });
    r.link.connect();
    r.s.advance(100);
    const peer = r.venue.peers[0];
    peer.send('last words');
    peer.close(4008, 'pong timeout');
    peer.send('too late');
    r.s.advance(1000);
    expect(r.messages).to.deep.equal(['last words']);
    expect(r.events.at(-1)).to.match(/^close 4008 pong timeout@/);
    expect(r.venue.closed).to.equal(1);
  });

  it('answers the venue\'s pings with pongs one round trip later (lost like any frame), and not after the connection ends', () => {
    const r = rig({ profile: 'outage', seed: 21 }); // 30 % loss each way: about 49 % of pings answered
    r.link.connect();
    r.s.advance(20_000);
    const peer = r.venue.peers[0];
    for (let i = 0; i < 1000; i++) {
      peer.ping!();
      r.s.advance(10);
    }
    r.s.advance(60_000);
    expect(r.venue.pongs / 1000).to.be.closeTo(0.49, 0.07);
    r.model.setProfile('perfect');
    const before = r.venue.pongs;
    peer.ping!();
    expect(r.venue.pongs).to.equal(before);
    r.s.advance(1.5); // half a round trip: the pong is not back yet
    expect(r.venue.pongs).to.equal(before);
    r.s.advance(10);
    expect(r.venue.pongs).to.equal(before + 1);
    peer.ping!();
    r.link.close(); // the pong would travel behind the close frame: the venue never gets it
    r.s.advance(100);
    peer.ping!();
    r.s.advance(100);
    expect(r.venue.pongs).to.equal(before + 1);
  });

  it('many outages and reconnects: exactly one onClose per connect, every opened session closed once', () => {
    const r = rig({ profile: 'average', seed: 12 });
    let connects = 0;
    const connect = (): void => {
      connects++;
      r.link.connect();
    };
    r.link.onClose = () => {
      r.events.push('close');
      r.s.after(50 + (connects % 7) * 40, connect);
    };
    r.link.onOpen = () => r.events.push('open');
    for (let k = 0; k < 200; k++) r.model.scheduleOutage(T0 + 1000 + k * 1500 + (k % 5) * 37, 200 + (k % 9) * 100);
    connect();
    r.s.runUntil(T0 + 400_000);
    const closes = r.events.filter((e) => e === 'close').length;
    const opens = r.events.filter((e) => e === 'open').length;
    expect(closes).to.be.above(150);
    expect(connects - closes).to.equal(1); // the last connection is still open
    expect(r.link.readyState).to.equal('open');
    expect(r.venue.opened - r.venue.closed).to.equal(1);
    expect(opens).to.be.at.most(r.venue.opened);
  });
});

/** A scheduler that runs timers due at the same time newest first: no more than a Scheduler promises about ties. */
class LifoTies implements Scheduler {
  private t = 0;
  private seq = 0;
  private readonly timers: { due: number; seq: number; fn: () => void }[] = [];
  nowMs(): number {
    return this.t;
  }
  after(ms: number, fn: () => void): TimerId {
    this.timers.push({ due: this.t + ms, seq: ++this.seq, fn });
    return this.seq;
  }
  cancel(): void {}
  runAll(): void {
    while (this.timers.length > 0) {
      this.timers.sort((a, b) => b.due - a.due || a.seq - b.seq); // the last is the earliest due, newest of its ties
      const next = this.timers.pop()!;
      this.t = next.due;
      next.fn();
    }
  }
}

describe('InOrderQueue', () => {
  it('delivers in the order pushed even when timers due at the same time run in another order', () => {
    const s = new LifoTies();
    const q = new InOrderQueue(s);
    const got: number[] = [];
    const at: number[] = [];
    const delays = [50, 10, 10, 30, 0, 50, 5];
    delays.forEach((d, i) =>
      q.push(d, () => {
        got.push(i);
        at.push(s.nowMs());
      }),
    );
    s.runAll();
    expect(got).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    // Each at max(its own delay, the previous delivery): held behind the first message, none earlier, none later.
    expect(at).to.deep.equal([50, 50, 50, 50, 50, 50, 50]);
  });
});
