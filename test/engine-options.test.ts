import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUniverse } from '../core/instruments/universe.js';
import { OPTION_SPECS, OptionError, helpText, optionWarnings, parseEngineOptions, type EngineOptions } from '../core/config/engine-options.js';

const parse = (argv: string[], cores = 12) => parseEngineOptions(argv, cores, false) as EngineOptions;

describe('engine options', () => {
  it('defaults: sources on the first spare cores (core 0 with main on 2 cores), workers after them, json when not on a TTY', () => {
    expect(parse([], 12)).to.include({ workers: 8, sources: 3, rate: 200_000, wait: 'spin', metrics: 'json', ringSlots: 16384 });
    expect(parse([], 12).sourceCores).to.deep.equal([1, 2, 3]);
    expect(parse([], 12).cores).to.deep.equal([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(parse([], 16)).to.include({ workers: 11, sources: 4 });
    expect(parse([], 16).cores).to.deep.equal([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(parse([], 8)).to.include({ workers: 5, sources: 2 });
    expect(parse([], 2)).to.include({ workers: 1, sources: 1 });
    expect([parse([], 2).sourceCores, parse([], 2).cores]).to.deep.equal([[0], [1]]);
    expect(parse([], 4)).to.include({ workers: 2, sources: 1 });
    expect([parse([], 4).sourceCores, parse([], 4).cores]).to.deep.equal([[1], [2, 3]]);
    expect(parse([], 1)).to.include({ workers: 1, sources: 1 });
    expect([parse([], 1).sourceCores, parse([], 1).cores]).to.deep.equal([[0], [0]]);
    expect(parse([], 64)).to.include({ workers: 11, sources: 4 });
    expect((parseEngineOptions([], 4, true) as EngineOptions).metrics).to.equal('table');
  });

  it('--exchange: the stand-in by default; sim with its network profile; a venue URL; companions refused without it', () => {
    expect(parse([]).exchange).to.deep.equal({ kind: 'stand-in' });
    expect(parse(['--exchange', 'sim', '--exchange-profile', 'poor']).exchange).to.deep.equal({ kind: 'sim', profile: 'poor', tif: 'IOC' });
    expect(parse(['--exchange', 'wss://ws-api.testnet.binance.vision/ws-api/v3', '--exchange-tif', 'GTC']).exchange).to.deep.equal({
      kind: 'venue', url: 'wss://ws-api.testnet.binance.vision/ws-api/v3', keysFile: undefined, tif: 'GTC',
    });
    expect(() => parse(['--exchange', 'ftp://x'])).to.throw(OptionError, /^bot4: invalid --exchange 'ftp:\/\/x': accepts stand-in, sim, or a venue/);
    expect(() => parse(['--exchange-profile', 'good'])).to.throw(OptionError, /^bot4: --exchange-profile needs --exchange sim$/);
    expect(() => parse(['--exchange-tif', 'GTC'])).to.throw(OptionError, /^bot4: --exchange-tif needs --exchange sim or a venue URL$/);
    expect(() => parse(['--exchange', 'sim', '--exchange-keys', 'k.json'])).to.throw(OptionError, /--exchange-keys needs --exchange URL/);
    expect(() => parse(['--exchange', 'ws://127.0.0.1:1/ws-api/v3', '--exchange-profile', 'good'])).to.throw(OptionError, /--exchange-profile needs --exchange sim/);
  });

  it('--sources sets the source count; workers default to the cores left', () => {
    expect(parse(['--sources', '4'], 16)).to.include({ sources: 4, workers: 11 });
    expect(parse(['--sources', '4'], 12)).to.include({ sources: 4, workers: 7 });
    expect(parse(['--sources', '2', '--source-cores', '5,6'], 12).sourceCores).to.deep.equal([5, 6]);
    expect(parse(['--sources', '3', '--symbols', '5']).sources).to.equal(3);
  });

  it('spreads more workers than cores over the cores there are', () => {
    expect(parse(['--workers', '3'], 2).cores).to.deep.equal([1, 1, 1]);
    expect(parse(['--workers', '4', '--cores', '1-2'], 4).cores).to.deep.equal([1, 2, 1, 2]);
    expect(parse(['--workers', '3', '--cores', '3,1,2'], 4).cores).to.deep.equal([3, 1, 2]);
  });

  it('parses every option form', () => {
    expect(parse(['--rate=max']).rate).to.equal(Infinity);
    const o = parse(['--rate=5000', '--duration', '2.5', '--burst', '10x10/60', '--wait', 'block', '--ring-slots', '1024', '--bad-fraction', '0.1']);
    expect(o.rate).to.equal(5000);
    expect(o.duration).to.equal(2.5);
    expect(o.burst).to.deep.equal({ factor: 10, burstSeconds: 10, periodSeconds: 60 });
    expect(o).to.include({ wait: 'block', ringSlots: 1024, badFraction: 0.1 });
    expect(parseEngineOptions(['--help'], 2, false)).to.equal('help');
  });

  it('--metrics-port: off by default, a port from 1 to 65535', () => {
    expect(parse([]).metricsPort).to.equal(undefined);
    expect(parse(['--metrics-port', '9464']).metricsPort).to.equal(9464);
    expect(parse(['--metrics-port=65535']).metricsPort).to.equal(65535);
    for (const v of ['0', '65536', '80.5', 'http', '-1']) {
      expect(() => parse(['--metrics-port', v]), v).to.throw(OptionError, `bot4: invalid --metrics-port '${v}': accepts a TCP port from 1 to 65535`);
    }
  });

  it('refuses bad values with one line naming the option and what it accepts', () => {
    const bad = (argv: string[]) => {
      try {
        parse(argv);
      } catch (e) {
        expect(e).to.be.instanceOf(OptionError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${argv.join(' ')}`);
    };
    expect(bad(['--rate', '0'])).to.equal("bot4: invalid --rate '0': accepts orders per second (1 to 1e9) or 'max'");
    expect(bad(['--ring-slots', '3'])).to.include('power of two');
    expect(bad(['--burst', '0.5x1/2'])).to.include('--burst');
    expect(bad(['--burst', '2x5/5'])).to.include('--burst');
    expect(bad(['workers'])).to.include('unexpected argument');
    expect(bad(['--sources', '0'])).to.include('--sources');
    expect(bad(['--sources', '1.5'])).to.include('--sources');
    expect(bad(['--sources', 'two'])).to.include('--sources');
    // 16 symbols keep 2 aside for reject reasons (silent, halted): 14 tradable, one per source at least.
    expect(bad(['--sources', '15', '--symbols', '16'])).to.equal("bot4: invalid --sources '15': more sources than tradable symbols (14 of 16; each source needs one)");
    expect(bad(['--source-cores', '99'])).to.include('core 99 does not exist');
  });

  it('bounds a core range before expanding it (1-999999999 is refused at once, not materialised)', () => {
    expect(() => parse(['--cores', '1-999999999'])).to.throw(OptionError, /--cores/);
    expect(() => parse(['--cores', '5-3'])).to.throw(OptionError, /--cores/);
  });

  it('bounds workers + sources at 4 per core and 256 in all, naming the option asked for', () => {
    expect(parse(['--workers', '7'], 2)).to.include({ workers: 7, sources: 1 });
    expect(() => parse(['--workers', '8'], 2)).to.throw(OptionError, /^bot4: invalid --workers '8': .*9 threads, more than 8/);
    expect(() => parse(['--workers', '100'], 2)).to.throw(OptionError, /--workers '100'/);
    expect(() => parse(['--sources', '9', '--symbols', '64'], 2)).to.throw(OptionError, /--sources '9'/);
    expect(() => parse(['--workers', '250', '--sources', '7', '--symbols', '64'], 128)).to.throw(OptionError, /--workers .* more than 256/);
    // Sources that will not start (--orders off) do not count.
    expect(parse(['--workers', '8', '--orders', 'off', '--feed', 'ws://127.0.0.1:1/ws', '--venue', 'binance', '--subscribe', 'BTC/USDT'], 2).workers).to.equal(8);
  });

  it('refuses a burst on --rate max and --orders off without a feed', () => {
    expect(() => parse(['--rate', 'max', '--burst', '2x1/2'])).to.throw(OptionError, /^bot4: --burst needs a paced --rate/);
    expect(() => parse(['--orders', 'off'])).to.throw(OptionError, /^bot4: --orders off needs --feed/);
  });

  it('--source-mode: generate by default, or replay; a bad value and replay with a feed or a scenario are refused naming it', () => {
    expect(parse([]).sourceMode).to.equal('generate');
    expect(parse(['--source-mode', 'generate']).sourceMode).to.equal('generate');
    expect(parse(['--source-mode=replay']).sourceMode).to.equal('replay');
    expect(() => parse(['--source-mode', 'record'])).to.throw(OptionError, "bot4: invalid --source-mode 'record': accepts generate|replay");
    const feed = ['--feed', 'ws://127.0.0.1:1/ws', '--venue', 'binance', '--subscribe', 'BTC/USDT,ETH/USDT'];
    expect(parse(['--source-mode', 'generate', ...feed]).sourceMode).to.equal('generate');
    expect(() => parse(['--source-mode', 'replay', ...feed])).to.throw(OptionError, /^bot4: --source-mode replay cannot be used with --feed/);
    const instruments = buildUniverse(4, 1);
    const market = { name: 'flat', instruments, path: { mids: Float64Array.from(instruments, (i) => i.initialPrice), symbols: 4, stepNs: 1e6 } };
    expect((parseEngineOptions([], 2, false, market) as EngineOptions).sourceMode).to.equal('generate');
    expect(() => parseEngineOptions(['--source-mode', 'replay'], 2, false, market)).to.throw(OptionError, /^bot4: --source-mode replay cannot be used with scenario flat/);
    expect(helpText()).to.match(/--source-mode +how a source makes its events/);
  });

  it('takes -h for --help, and the help gives each option\'s accepted values', () => {
    expect(parseEngineOptions(['-h'], 2, false)).to.equal('help');
    const help = helpText();
    for (const spec of Object.values(OPTION_SPECS)) expect(help).to.include(`accepts ${spec.accepts}`);
  });

  it('--limits: an entry for no engine symbol is refused naming --limits and the symbol; one for an instrument outside the run is a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot4-opts-'));
    const file = (symbols: Record<string, object>) => {
      const path = join(dir, `${Object.keys(symbols).join('_').replace(/\//g, '-')}.json`);
      const c = JSON.parse(readFileSync(new URL('../../config/limits.engine.json', import.meta.url), 'utf8')) as { symbols: Record<string, object> };
      writeFileSync(path, JSON.stringify({ ...c, symbols }));
      return path;
    };
    const typo = file({ BTCUSDT: { maxPosition: 1 } });
    expect(() => parse(['--limits', typo])).to.throw(OptionError, `bot4: invalid --limits '${typo}': limits config ${typo}: symbols.BTCUSDT: not a symbol of the engine; did you mean BTC/USDT?`);
    expect(() => parse(['--limits', file({ 'BTC-USD': {} }), '--feed', 'ws://127.0.0.1:1/', '--venue', 'coinbase', '--subscribe', 'BTC/USD'])).to.throw(OptionError, /did you mean BTC\/USD\?/);
    const shared = file({ 'BTC/USDT': {}, 'AVAX/USDT': {} });
    expect(optionWarnings(parse(['--limits', shared, '--symbols', '4']))).to.deep.equal([`--limits ${shared}: no such symbol in this run, limits unused: AVAX/USDT`]);
    expect(optionWarnings(parse(['--limits', shared, '--symbols', '8']))).to.deep.equal([]);
  });

  it('--correlation on|off: off by default; on takes the engine defaults; a VaR limit without it is a warning', () => {
    expect(parse([]).correlation).to.equal(undefined);
    expect(parse(['--correlation', 'on']).correlation).to.deep.equal({ window: 1000, sampleMs: 100, recomputeMs: 100, minPoints: 30 });
    expect(() => parse(['--correlation', 'yes'])).to.throw(OptionError, "bot4: invalid --correlation 'yes': accepts on|off");
    const path = join(mkdtempSync(join(tmpdir(), 'bot4-opts-')), 'var.json');
    const c = JSON.parse(readFileSync(new URL('../../config/limits.engine.json', import.meta.url), 'utf8')) as object;
    writeFileSync(path, JSON.stringify({ ...c, portfolioVar: { limit: 1e6 } }));
    expect(optionWarnings(parse(['--limits', path]))).to.deep.equal([`--limits ${path} sets portfolioVar, but without --correlation on no covariance is computed: the VaR check is off`]);
    expect(optionWarnings(parse(['--limits', path, '--correlation', 'on']))).to.deep.equal([]);
  });

  it('--correlation-sample-ms, -window, -recompute-ms: the geometry, range-checked, only with --correlation on', () => {
    expect(parse(['--correlation', 'on', '--correlation-sample-ms', '5', '--correlation-window', '50', '--correlation-recompute-ms', '25']).correlation).to.deep.equal({ window: 50, sampleMs: 5, recomputeMs: 25, minPoints: 30 });
    expect(parse(['--correlation', 'on', '--correlation-window', '30']).correlation).to.deep.equal({ window: 30, sampleMs: 100, recomputeMs: 100, minPoints: 30 });
    expect(() => parse(['--correlation', 'on', '--correlation-window', '29'])).to.throw(OptionError, "bot4: invalid --correlation-window '29': accepts an integer from 30 to 100000");
    expect(() => parse(['--correlation', 'on', '--correlation-sample-ms', '0'])).to.throw(OptionError, "bot4: invalid --correlation-sample-ms '0': accepts milliseconds from 1 to 3600000");
    expect(() => parse(['--correlation', 'on', '--correlation-recompute-ms', '1.5'])).to.throw(OptionError, "bot4: invalid --correlation-recompute-ms '1.5': accepts milliseconds from 1 to 3600000");
    expect(() => parse(['--correlation-window', '50'])).to.throw(OptionError, 'bot4: --correlation-window needs --correlation on');
    expect(() => parse(['--correlation', 'off', '--correlation-sample-ms', '5'])).to.throw(OptionError, 'bot4: --correlation-sample-ms needs --correlation on');
  });

  it('--live-orders: at least 4 slots, and enough to hold the limits\' maxOpenOrders (3/4 of the slots are usable)', () => {
    expect(() => parse(['--live-orders', '2'])).to.throw(OptionError, /^bot4: invalid --live-orders '2': accepts a power of two from 4/);
    const example = fileURLToPath(new URL('../../config/limits.example.json', import.meta.url)); // maxOpenOrders 200
    expect(() => parse(['--live-orders', '256', '--limits', example])).to.throw(OptionError, /^bot4: invalid --live-orders '256': holds 192 live orders .*fewer than the 200 open orders .*maxOpenOrders\): at least 512$/);
    expect(parse(['--live-orders', '512', '--limits', example]).liveOrders).to.equal(512);
    // The default file fits the default table.
    expect(parse([]).liveOrders).to.equal(65536);
    expect(() => parse(['--live-orders', '32768'])).to.throw(OptionError, /holds 24576 live orders.*at least 65536$/);
  });

  it('warns about rings too small for the load, once, saying why', () => {
    expect(optionWarnings(parse([]))).to.deep.equal([]);
    const w = optionWarnings(parse(['--ring-slots', '2']));
    expect(w).to.have.length(1);
    expect(w[0]).to.match(/^--ring-slots 2 is below 1024: .*BACKPRESSURE/);
  });
});
