/**
 * The state file: what a restart must not forget, `state.json` in the state
 * directory (--state-dir). It holds the trading day the figures belong to, the
 * day's realized PnL, the configured trading mode and a kill switch in force,
 * so that a restart cannot reset the daily loss limit or lift a halt.
 *
 * Writes are atomic: the new contents go to a temporary file in the same
 * directory, which is fsynced, renamed over state.json, and then the directory
 * is fsynced (the rename itself must reach the disk). A crash at any point
 * leaves either the old file or the new one, whole.
 *
 * Reads validate with zod. A file that exists but cannot be read or used throws
 * StateFileError with one line: resetting the day's loss silently is what the
 * file is there to prevent, so the start stops instead. A missing file is a
 * first start.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KILL_REASON_NAMES, TRADING_MODE_NAMES } from '../core/breaker/trading-state.js';

export const STATE_FILE_VERSION = 1;
export const STATE_FILE_NAME = 'state.json';
/** The temporary name a write goes through; a crash may leave it behind, and the next write replaces it. */
export const STATE_TMP_NAME = 'state.json.tmp';

const killReasonNames = KILL_REASON_NAMES.filter((n) => n !== '') as [string, ...string[]];

export const stateFileSchema = z.strictObject({
  version: z.literal(STATE_FILE_VERSION),
  /** When the trading day the figures belong to began (ISO 8601, UTC). */
  dayStart: z.iso.datetime(),
  /** Realized PnL of that day, quote currency (negative = loss). */
  dailyPnl: z.number().finite(),
  /** The configured trading mode (account.tradingState as applied). */
  tradingState: z.enum(TRADING_MODE_NAMES),
  /** The kill switch in force, or null. */
  kill: z.strictObject({ reason: z.enum(killReasonNames), at: z.iso.datetime() }).nullable(),
  /** When this file was written (ISO 8601); for people reading it. */
  writtenAt: z.iso.datetime(),
});

export type StateFile = z.output<typeof stateFileSchema>;

export class StateFileError extends Error {}

export function stateFilePath(dir: string): string {
  return join(dir, STATE_FILE_NAME);
}

/** The state in `dir`, undefined when there is none yet; throws StateFileError (one line) when it is there but unusable. */
export function readStateFile(dir: string): StateFile | undefined {
  const path = stateFilePath(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new StateFileError(`state file ${path}: cannot read (${code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(`state file ${path}: invalid JSON (${(e as Error).message.split('\n')[0]}); fix or remove it`);
  }
  const r = stateFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new StateFileError(`state file ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}; fix or remove it`);
  }
  return r.data;
}

/** Creates the state directory if it is missing; throws StateFileError when it cannot. */
export function ensureStateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new StateFileError(`state directory ${dir}: cannot create (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Writes `state` atomically (temporary file, fsync, rename, fsync of the directory). Throws the fs error. */
export function writeStateFile(dir: string, state: StateFile): void {
  const tmp = join(dir, STATE_TMP_NAME);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, JSON.stringify(state, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, stateFilePath(dir));
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
