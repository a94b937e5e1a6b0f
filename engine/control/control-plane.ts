/**
 * Wires the operator's commands to their ways in: the HTTP endpoint (with
 * --control-port), the terminal (one command word per line, when stdin is a
 * TTY; the answer is printed) and SIGUSR2 (toggles the kill switch). All run
 * on main's event loop; close() takes them all down at shutdown.
 */
import { createInterface, type Interface } from 'node:readline';
import type { Logger } from 'pino';
import { COMMANDS, ControlCommands, type Command, type ControlDeps } from './control-commands.js';
import { ControlServer } from './control-server.js';

export interface ControlPlane {
  commands: ControlCommands;
  /** Resolves once the HTTP endpoint listens (at once without one); rejects when it cannot. */
  listening: Promise<number | undefined>;
  close(): Promise<void>;
}

/** The terminal's answer to one line. */
export function terminalLine(commands: ControlCommands, line: string): string {
  const word = line.trim();
  if (!(COMMANDS as readonly string[]).includes(word)) return JSON.stringify({ error: `unknown command '${word}'; commands: ${COMMANDS.join(', ')}` });
  return JSON.stringify(commands.run(word as Command, 'terminal').body);
}

export function startControlPlane(deps: ControlDeps, port: number | undefined, log: Logger): ControlPlane {
  const commands = new ControlCommands(deps);
  const onUsr2 = (): void => void commands.toggleKill();
  process.on('SIGUSR2', onUsr2);
  const server = port === undefined ? undefined : new ControlServer(commands, process.env.BOT4_CONTROL_TOKEN || undefined);
  const listening = server ? server.listen(port!) : Promise.resolve(undefined);
  listening.then((p) => p !== undefined && log.info({ url: `http://127.0.0.1:${p}/status`, token: process.env.BOT4_CONTROL_TOKEN ? 'required' : 'none' }, 'control endpoint'), () => undefined);
  let terminal: Interface | undefined;
  if (process.stdin.isTTY) {
    // terminal: false keeps the tty out of raw mode, so Ctrl-C still signals the process.
    terminal = createInterface({ input: process.stdin, terminal: false });
    terminal.on('line', (line) => {
      if (line.trim() !== '') process.stdout.write(terminalLine(commands, line) + '\n');
    });
  }
  return {
    commands,
    listening,
    async close() {
      process.off('SIGUSR2', onUsr2);
      terminal?.close();
      if (terminal) process.stdin.pause();
      await server?.close();
    },
  };
}
