/**
 * `npm run bench -- <suite> [--json] [suite options]`: runs perf/<suite>-bench.ts.
 * Each suite module exports `run(args): Promise<BenchReport>`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printReport, type BenchReport } from './bench-report.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const suites = readdirSync(here)
  .filter((f) => f.endsWith('-bench.js'))
  .map((f) => f.slice(0, -'-bench.js'.length))
  .sort();

const [suite, ...rest] = process.argv.slice(2);
if (!suite || !existsSync(new URL(`./${suite}-bench.js`, import.meta.url))) {
  process.stderr.write(`bot4 bench: unknown suite '${suite ?? ''}'; one of: ${suites.join(', ')}\n`);
  process.exit(2);
}
const json = rest.includes('--json');
const mod = (await import(`./${suite}-bench.js`)) as { run(args: string[]): Promise<BenchReport> };
const report = await mod.run(rest.filter((a) => a !== '--json'));
printReport(report, json);
process.exit(0);
