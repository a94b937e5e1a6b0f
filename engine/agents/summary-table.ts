/**
 * The end-of-run summary for people (the table format; `--metrics json`
 * prints the same object as one JSON line): a short table, one row per
 * topic, each row wrapped within 160 columns. Anything the row layout does
 * not know (risk, positions, feed, fatal...) gets a row of its own, its
 * members as `name value`, so that nothing the summary holds is hidden.
 */

const WIDTH = 160;
const LABEL = 11;

type Obj = Record<string, unknown>;

const num = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(v));
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});

/**
 * `label  item, item, ...`, wrapped between items (an item stays whole) onto
 * indented lines of at most WIDTH columns; an item longer than a line is cut.
 */
function row(label: string, items: readonly string[]): string[] {
  const indent = ' '.repeat(2 + LABEL);
  const out: string[] = [];
  let line = `  ${label.padEnd(LABEL)}`;
  items.forEach((item, i) => {
    const text = i < items.length - 1 ? `${item},` : item;
    if (line.length > indent.length && line.length + 1 + text.length > WIDTH) {
      out.push(line);
      line = indent;
    }
    line += (line.length > indent.length ? ' ' : '') + text;
  });
  out.push(line.trimEnd());
  return out.map((l) => (l.length > WIDTH ? l.slice(0, WIDTH - 1) + '…' : l));
}

/** An array's items, an object's members as `name value` (nested objects as compact JSON), else the value. */
const members = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((x) => (x !== null && typeof x === 'object' ? JSON.stringify(x) : num(x))) : v !== null && typeof v === 'object' ? Object.entries(v as Obj).map(([k, x]) => `${k} ${x !== null && typeof x === 'object' ? JSON.stringify(x) : num(x)}`) : [num(v)];

const latency = (v: unknown): string[] => {
  const l = obj(v);
  return [`p50 ${num(l.p50)} us`, `p99 ${num(l.p99)} us`, `p99.9 ${num(l.p999)} us`, `max ${num(l.max)} us`, `count ${num(l.count)}`];
};

/** The summary object (engine/agents/reporter.ts summary()) as the lines of a short table. */
export function summaryTable(s: Obj): string[] {
  const lines = [`summary: ${num(s.elapsedS)} s; latency from the end of warm-up`];
  const known = new Set<string>();
  const take = (...keys: string[]) => keys.forEach((k) => known.add(k));
  take('elapsedS', 'generated', 'decided', 'accepted', 'rejectedTotal', 'lost', 'duplicates', 'ordersPerS', 'backpressure', 'conflatedTicks');
  lines.push(...row('orders', [`generated ${num(s.generated)}`, `decided ${num(s.decided)}`, `accepted ${num(s.accepted)}`, `rejected ${num(s.rejectedTotal)}`, `lost ${num(s.lost)}`, `duplicates ${num(s.duplicates)}`, `${num(s.ordersPerS)}/s`, `backpressure ${num(s.backpressure)}`, `conflated ticks ${num(s.conflatedTicks)}`]));
  take('latencyUs', 'hopsUs', 'tickLatencyUs');
  lines.push(...row('latency', latency(s.latencyUs)));
  const hops = obj(s.hopsUs);
  lines.push(...row('hops p99', Object.entries(hops).map(([k, v]) => `${k} ${num(obj(v).p99)} us`)));
  lines.push(...row('ticks', latency(s.tickLatencyUs)));
  take('rejected');
  const rejects = Object.entries(obj(s.rejected));
  lines.push(...row('rejects', rejects.length ? rejects.map(([k, v]) => `${k} ${num(v)}`) : ['none']));
  take('sources', 'workers');
  const thread = (kind: string) => (t: unknown) => {
    const o = obj(t);
    return `${kind} ${o.id} core ${o.core}${o.pinned ? '' : ' (not pinned)'}: ${num(o.generated ?? o.orders)} orders${o.restarts ? `, ${o.restarts} restarts` : ''}, warm-up ${num(o.warmupMs)} ms`;
  };
  const threads = [...(Array.isArray(s.sources) ? s.sources.map(thread('source')) : []), ...(Array.isArray(s.workers) ? s.workers.map(thread('worker')) : [])];
  lines.push(...row('threads', threads));
  take('gc');
  const gc = obj(s.gc);
  lines.push(...row('gc', [`main ${num(gc.main)}`, `workers ${num(gc.workers)}`, `sources ${num(gc.sources)}`, `pause ${num(gc.pauseMs)} ms`]));
  take('sched');
  const sched = obj(s.sched);
  const waited = (kind: string, v: unknown) => {
    const f = obj(v);
    return f.waitPct === undefined ? `${kind}s: no scheduler figures` : `${kind}s waited ${num(f.waitPct)} % of the time for their core (worst), ${num(f.preemptedPerS)} preemptions/s`;
  };
  lines.push(...row('cores', [waited('worker', sched.workers), waited('source', sched.sources)]));
  for (const [k, v] of Object.entries(s)) {
    if (known.has(k)) continue;
    lines.push(...row(k, members(v)));
  }
  return lines;
}
