/**
 * The command lines of the simulators (exchange-sim, feed-sim): `--name value`
 * pairs, in order, or 'help' for --help / -h. Each malformed one is one line
 * handed to `fail` (which exits 2), so both tools refuse bad input alike.
 * The engine's own options have their specs and tokenizer in engine-options.ts.
 */
export function cliFlags(argv: readonly string[], fail: (message: string) => never): Array<[string, string]> | 'help' {
  const out: Array<[string, string]> = [];
  for (let k = 0; k < argv.length; k++) {
    const flag = argv[k];
    if (flag === '--help' || flag === '-h') return 'help';
    if (!flag.startsWith('--')) fail(`unexpected argument '${flag}'`);
    const name = flag.slice(2);
    const value = argv[++k];
    if (value === undefined) fail(`--${name} needs a value`);
    out.push([name, value]);
  }
  return out;
}
