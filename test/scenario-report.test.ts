/**
 * The scenario report's figures from the run probe's findings (no engine run:
 * test/e2e/scenarios.test.ts runs them): the VaR settings come from the
 * scenario limits file, the engine's correlation is read off the matrices the
 * probe saw at the right moments, VAR_LIMIT rejects in the event are told from
 * those in the lead-in; and the mean off-diagonal of a published matrix.
 */
import { expect } from 'chai';
import { readLimitsConfig } from '../core/config/limits-config.js';
import { meanOffDiagonal } from '../core/portfolio/correlation-stats.js';
import { buildScenarioPath } from '../sim/scenarios/price-path.js';
import { SCENARIO_LIMITS_FILE } from '../sim/scenarios/scenario-limits.js';
import { scenarioReport, reportLines, type RunFindings } from '../sim/scenarios/scenario-report.js';
import type { CorrelationReading } from '../core/metrics/probe-report.js';

describe('scenario report', () => {
  it('the scenario limits file sets the portfolio VaR limit the scenarios run under', () => {
    const c = readLimitsConfig(SCENARIO_LIMITS_FILE).config;
    expect(c.portfolioVar).to.deep.equal({ limit: 30_000, confidence: 0.99, horizonMs: 1000, fallbackDailyVol: 2, fallbackCorrelation: 0.8 });
    expect(c.portfolioVar!.limit, 'below the daily loss limit').to.be.below(c.account.dailyLossLimit);
  });

  it('meanOffDiagonal: the mean of the pairs above the diagonal of the first symbols, skipping what is not finite', () => {
    // 3 x 3: pairs (0,1) 0.5, (0,2) 0.9, (1,2) NaN.
    const corr = Float64Array.from([1, 0.5, 0.9, 0.5, 1, NaN, 0.9, NaN, 1]);
    expect(meanOffDiagonal(corr, 3)).to.be.closeTo(0.7, 1e-12);
    expect(meanOffDiagonal(corr, 3, 2)).to.equal(0.5);
    expect(meanOffDiagonal(corr, 3, 1)).to.be.NaN;
    expect(() => meanOffDiagonal(corr, 4)).to.throw(RangeError);
    expect(() => meanOffDiagonal(corr, 3, 4)).to.throw(RangeError);
  });

  it("reads the engine's correlation before the event, at the first VAR_LIMIT, at the worst point and its highest in the event", () => {
    const path = buildScenarioPath('covid-2020', 1); // event at 1000 ms, worst point at the path's end, 5000 ms
    const m = (ms: number, mean: number, valueAtRisk = 1000): CorrelationReading => ({ ms, version: ms, points: 50, meanOffDiagonal: mean, valueAtRisk });
    const run: RunFindings = {
      probe: {
        firstRejectMs: { VAR_LIMIT: 400, TRADING_HALTED: 1500 },
        killMs: 1500,
        killReason: 'daily-loss-limit',
        peakExposure: 1e6,
        exposureLimit: 5e6,
        lowestDailyPnl: -50_200,
        correlation: { sampleMs: 5, window: 50, symbols: 2, readings: [m(300, 0.4), m(990, 0.5, 12_000), m(1200, 0.9), m(4990, 0.7), m(5020, 0.8)] },
        peakVar: { value: 30_000, ms: 1300 },
        fromMark: { ms: 1000, rejected: { VAR_LIMIT: 3 }, firstRejectMs: { VAR_LIMIT: 1100 } },
      },
      summary: { rejected: { VAR_LIMIT: 10, TRADING_HALTED: 5 }, generated: 100, decided: 100, accepted: 85, lost: 0, risk: { dailyPnl: -50_010, trading: 'HALTED' } },
      limits: { dailyLossLimit: 50_000, maxOrderNotional: 50_000, portfolioVar: { limit: 30_000, confidence: 0.99, horizonMs: 1000 } },
      correlationOn: true,
      ranS: 5.1,
    };
    const r = scenarioReport(path, run);
    expect(r.varLimit).to.deep.equal({ limit: 30_000, confidence: 0.99, horizonMs: 1000, inForce: true });
    expect(r.firstVarLimitReject!.engineS).to.equal(0.4);
    expect(r.varLimitInEvent).to.deep.include({ beforeKill: true, leadIn: 7 });
    expect(r.varLimitInEvent.first!.engineS).to.equal(1.1);
    const c = r.correlation!;
    expect([c.before!.mean, c.before!.valueAtRisk]).to.deep.equal([0.5, 12_000]);
    expect(c.atFirstVarLimit!.mean).to.equal(0.4);
    expect(c.atWorst!.mean, 'the first matrix computed at or after the worst point').to.equal(0.8);
    expect(c.peakInEvent!.mean).to.equal(0.9);
    expect(r.peakVar).to.deep.include({ value: 30_000 });
    expect(r.realizedLoss, 'the worst of the day, not only the end').to.deep.include({ loss: 50_010, peak: 50_200, overBy: 200 });
    expect(r.modelInput.source).to.match(/^scenario path/);
    expect(reportLines(r).join('\n')).to.include('first VAR_LIMIT reject: 0.40 s').and.include('7 in the calm lead-in').and.include('engine correlation');
  });

  it('says when there is no VaR check: no portfolioVar, or --correlation off', () => {
    const path = buildScenarioPath('yen-2024', 1);
    const base: RunFindings = { probe: { firstRejectMs: {}, peakExposure: 0, exposureLimit: 5e6, lowestDailyPnl: 0 }, summary: {}, limits: { dailyLossLimit: 50_000, maxOrderNotional: 50_000 }, correlationOn: false, ranS: 1 };
    expect(reportLines(scenarioReport(path, base)).join('\n')).to.include('no portfolioVar: no VaR check').and.include('engine correlation: none (--correlation off)');
    const off = scenarioReport(path, { ...base, limits: { ...base.limits, portfolioVar: { limit: 1, confidence: 0.99, horizonMs: 1000 } } });
    expect(reportLines(off).join('\n')).to.include('but --correlation off: no VaR check');
    expect(off.correlation).to.equal(null);
  });
});
