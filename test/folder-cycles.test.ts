/**
 * DESIGN.md's dependency rule, checked on the sources: ipc/ uses nothing of
 * ours, core/ uses only core/ and ipc/, and core's folders (with ipc/) import
 * each other without a cycle. Reads the .ts files, not dist/, so a type-only
 * import (erased from the output) counts as an edge too.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Static imports and re-exports: `import ... from '.'`, `export ... from '.'`, `import '.'`. */
const IMPORT = /^\s*(?:import|export)\s(?:[^;]*?\sfrom\s)?\s*'([^']+)'/gm;

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** 'core/risk' for core/risk/x.ts, 'ipc' for ipc/x.ts: the unit the rule is about. */
function folderOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'core' && parts.length > 2 ? `core/${parts[1]}` : parts[0];
}

/** Root-relative path of every relative import of `file` (packages and node: built-ins are not ours). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((m) => m[1])
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(root, join(root, dirname(file), spec)).split(sep).join('/'));
}

interface Edge {
  from: string;
  to: string;
  file: string;
  target: string;
}

/** One cycle in the folder graph as 'a -> b -> a', or undefined. */
function findCycle(edges: readonly Edge[]): string | undefined {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.from === e.to) continue;
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (n: string): string | undefined => {
    const at = path.indexOf(n);
    if (at >= 0) return [...path.slice(at), n].join(' -> ');
    if (done.has(n)) return undefined;
    path.push(n);
    for (const m of next.get(n) ?? []) {
      const cycle = visit(m);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(n);
    return undefined;
  };
  for (const n of [...next.keys()].sort()) {
    const cycle = visit(n);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('folder dependencies (DESIGN.md: dependencies point one way)', () => {
  const edges: Edge[] = [...tsFiles('core'), ...tsFiles('ipc')].flatMap((file) =>
    importsOf(file).map((target) => ({ from: folderOf(file), to: folderOf(target), file, target })),
  );

  it('finds the imports (the scan itself works)', () => {
    expect(edges.length).to.be.greaterThan(50);
    expect(edges.some((e) => e.from === 'core/risk' && e.to === 'ipc')).to.equal(true);
  });

  it('ipc/ imports nothing of ours outside ipc/', () => {
    const out = edges.filter((e) => e.from === 'ipc' && e.to !== 'ipc').map((e) => `${e.file} imports ${e.target}`);
    expect(out).to.deep.equal([]);
  });

  it('core/ imports only core/ and ipc/', () => {
    const out = edges.filter((e) => e.from.startsWith('core') && !e.to.startsWith('core/') && e.to !== 'ipc').map((e) => `${e.file} imports ${e.target}`);
    expect(out).to.deep.equal([]);
  });

  it("core's folders and ipc/ import each other without a cycle", () => {
    const cycle = findCycle(edges);
    const nodes = cycle ? cycle.split(' -> ') : [];
    const witnesses = nodes.slice(1).map((to, i) => {
      const e = edges.find((x) => x.from === nodes[i] && x.to === to)!;
      return `${e.file} imports ${e.target}`;
    });
    expect(cycle, `folder cycle ${cycle}: ${witnesses.join('; ')}`).to.equal(undefined);
  });

  it('the cycle finder sees a cycle of three folders and none in a chain', () => {
    const edge = (from: string, to: string): Edge => ({ from, to, file: from, target: to });
    expect(findCycle([edge('a', 'b'), edge('b', 'c'), edge('c', 'a')])).to.equal('a -> b -> c -> a');
    expect(findCycle([edge('a', 'b'), edge('b', 'c'), edge('a', 'c'), edge('c', 'c')])).to.equal(undefined);
  });
});
