/**
 * Runs ./taskset.sh as a user would, with --metrics json, and hands back its
 * JSON lines (metrics, summary, logs); a run that exits non-zero rejects.
 * The engine benches (e2e, scale) measure through it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function runLauncher<Line>(args: string[]): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${REPO_ROOT}taskset.sh`, [...args, '--metrics', 'json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`taskset.sh ${args.join(' ')} exited ${code}`));
      else resolve(out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line));
    });
  });
}
