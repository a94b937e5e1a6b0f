/**
 * pino loggers. Synchronous destination: a log line written before a crash or
 * an exit is on the file descriptor, in order with the metrics lines.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(name: string, fd: 1 | 2 = 1, level = process.env.BOT4_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { name } }, pino.destination({ fd, sync: true }));
}
