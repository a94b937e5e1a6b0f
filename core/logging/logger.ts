/**
 * pino loggers. Synchronous destination: a log line written before a crash or
 * an exit is on the file descriptor, in order with the metrics lines.
 *
 * On a terminal the lines are pretty-printed (time, level, thread, message,
 * then key=value) by the small formatter below, in the writing thread and
 * synchronously: pino-pretty as a pino transport would start a worker thread
 * per logger and hand it the lines asynchronously, and a thread's log must
 * neither add threads to the engine's count nor lose its last lines on exit.
 * Anywhere else each line stays one JSON object, for machines.
 */
import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Whether logs on `fd` are pretty-printed: only on stderr, and only when it is a terminal.
 * Logs go to stdout only with --metrics json, where every line must stay JSON.
 */
export function prettyLogs(fd: number, isTty: (fd: number) => boolean = isatty): boolean {
  return fd === 2 && isTty(fd);
}

const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '\x1b[90m'],
  20: ['DEBUG', '\x1b[36m'],
  30: ['INFO ', '\x1b[32m'],
  40: ['WARN ', '\x1b[33m'],
  50: ['ERROR', '\x1b[31m'],
  60: ['FATAL', '\x1b[35m'],
};
/** pino's own fields, shown in the line's head rather than as key=value. */
const HEAD = new Set(['level', 'time', 'name', 'msg', 'pid', 'hostname']);

/** One pino JSON line as `12:00:01.250 INFO  bot4: message key=value ...`, coloured by level. */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json; // not pino's: shown as it came
  }
  const [label, colour] = LEVELS[o.level as number] ?? [String(o.level), ''];
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 23) : '';
  let line = `${time} ${colour}${label}\x1b[0m ${String(o.name ?? '')}: ${String(o.msg ?? '')}`;
  for (const [k, v] of Object.entries(o)) {
    if (!HEAD.has(k)) line += ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
  }
  return line + '\n';
}

export function createLogger(name: string, fd: 1 | 2 = 1, level = process.env.BOT4_LOG_LEVEL ?? 'info', pretty = prettyLogs(fd)): Logger {
  const destination = pretty ? { write: (s: string) => void writeSync(fd, prettyLine(s)) } : pino.destination({ fd, sync: true });
  return pino({ name, level, base: { name } }, destination);
}
