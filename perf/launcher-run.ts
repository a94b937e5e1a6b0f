/**
 * Runs ./taskset.sh as a user would, with --metrics json, and hands back its
 * JSON lines (metrics, summary, logs); a run that exits non-zero rejects.
 * `onLine` sees each line as it comes, for a bench that acts during the run
 * (scrape). The engine benches (e2e, scale, scrape) measure through it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Each run gets a state directory of its own: a bench must not start inside an earlier run's trading day.
 * `onLine` gets a `stop()` that ends the run as an operator would (SIGINT: a graceful stop with its summary).
 */
export function runLauncher<Line>(args: string[], onLine?: (line: Line, stop: () => void) => void): Promise<Line[]> {
  const stateDir = mkdtempSync(join(tmpdir(), 'bot4-bench-state-'));
  return new Promise((resolve, reject) => {
    const child = spawn(`${REPO_ROOT}taskset.sh`, [...args, '--metrics', 'json', '--state-dir', stateDir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Line[] = [];
    let partial = '';
    const take = (text: string) => {
      if (!text.startsWith('{')) return;
      const line = JSON.parse(text) as Line;
      lines.push(line);
      onLine?.(line, () => child.kill('SIGINT'));
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

/** A port free now: the kernel's pick for port 0, released again. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
