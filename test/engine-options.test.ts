import { expect } from 'chai';
import { OptionError, parseEngineOptions, type EngineOptions } from '../core/config/engine-options.js';

const parse = (argv: string[], cores = 12) => parseEngineOptions(argv, cores, false) as EngineOptions;

describe('engine options', () => {
  it('defaults to min(11, cores - 1) workers on cores 1.. and json when not on a TTY', () => {
    expect(parse([], 12)).to.include({ workers: 11, rate: 200_000, wait: 'spin', metrics: 'json', ringSlots: 16384 });
    expect(parse([], 12).cores).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(parse([], 2)).to.include({ workers: 1 });
    expect(parse([], 2).cores).to.deep.equal([1]);
    expect(parse([], 1)).to.include({ workers: 1 });
    expect(parse([], 1).cores).to.deep.equal([0]);
    expect(parse([], 64).workers).to.equal(11);
    expect((parseEngineOptions([], 4, true) as EngineOptions).metrics).to.equal('table');
  });

  it('spreads more workers than cores over the cores there are', () => {
    expect(parse(['--workers', '3'], 2).cores).to.deep.equal([1, 1, 1]);
    expect(parse(['--workers', '4', '--cores', '1-2'], 4).cores).to.deep.equal([1, 2, 1, 2]);
    expect(parse(['--workers', '3', '--cores', '3,1,2'], 4).cores).to.deep.equal([3, 1, 2]);
  });

  it('parses every option form', () => {
    const o = parse(['--rate=max', '--duration', '2.5', '--burst', '10x10/60', '--wait', 'block', '--ring-slots', '1024', '--bad-fraction', '0.1']);
    expect(o.rate).to.equal(Infinity);
    expect(o.duration).to.equal(2.5);
    expect(o.burst).to.deep.equal({ factor: 10, burstSeconds: 10, periodSeconds: 60 });
    expect(o).to.include({ wait: 'block', ringSlots: 1024, badFraction: 0.1 });
    expect(parseEngineOptions(['--help'], 2, false)).to.equal('help');
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
  });
});
