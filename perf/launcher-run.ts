/**
 * Runs ./taskset.sh as a user would, with --metrics json, and hands back its
 * JSON lines (metrics, summary, logs); a run that exits non-zero rejects.
 * `onLine` sees each line as it comes, for a bench that acts during the run
 * (scrape). The engine benches (e2e, scale, scrape) measure through it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Each run gets a state directory of its own: a bench must not start inside an earlier run's trading day. */
export function runLauncher<Line>(args: string[], onLine?: (line: Line) => void): Promise<Line[]> {
  const stateDir = mkdtempSync(join(tmpdir(), 'bot4-bench-state-'));
  return new Promise((resolve, reject) => {
    const child = spawn(`${REPO_ROOT}taskset.sh`, [...args, '--metrics', 'json', '--state-dir', stateDir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Line[] = [];
    let partial = '';
    const take = (text: string) => {
      if (!text.startsWith('{')) return;
      const line = JSON.parse(text) as Line;
      lines.push(line);
      onLine?.(line);
    };
    child.stdout.on('data', (d) => {
      const parts = (partial + d).split('\n');
      partial = parts.pop() ?? '';
      parts.forEach(take);
    });
    child.on('close', (code) => {
      take(partial);
      rmSync(stateDir, { recursive: true, force: true });
      if (code !== 0) reject(new Error(`taskset.sh ${args.join(' ')} exited ${code}`));
      else resolve(lines);
    });
  });
}
