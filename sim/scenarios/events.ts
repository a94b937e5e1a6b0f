/**
 * The crash events the scenarios replay: for each, the coins it moved, their
 * price at the start, and the legs of the move. A leg lasts `hours` of event
 * time and ends with every coin at `at` (its price relative to the start:
 * -0.5 is half the start price), so each figure can be checked against its
 * source directly. `peakCorrelation` is the pairwise correlation of the coins'
 * returns during the legs, `calmCorrelation` before them.
 *
 * Sources (also in docs/scenarios.md). Prices are rounded; where a figure is
 * not in a source it says so. The peak correlations are model parameters, not
 * measurements: sources describe sell-offs where "correlations rushed to 1",
 * and 0.85-0.95 is taken for every event, lower where one coin crashed on its
 * own news (LUNA, FTT) while the rest of the market fell less.
 */
import { z } from 'zod';

const coin = z.string().regex(/^[A-Z0-9]+\/USDT$/);
const eventSchema = z.strictObject({
  title: z.string().min(1),
  /** The event's date(s), UTC. */
  date: z.string().min(1),
  /** Price of each coin when the first leg starts. */
  start: z.record(coin, z.number().positive()),
  legs: z
    .array(z.strictObject({ hours: z.number().positive(), at: z.record(coin, z.number().gt(-1).lt(10)), note: z.string() }))
    .min(1),
  calmCorrelation: z.number().min(0).max(0.99),
  peakCorrelation: z.number().min(0).max(0.99),
  /** Per-step noise scale of each coin relative to BTC's (altcoins swing more). */
  volatility: z.record(coin, z.number().positive()),
  sources: z.array(z.string().min(1)).min(1),
});
export type CrashEvent = z.output<typeof eventSchema>;

const events = {
  'covid-2020': {
    title: 'COVID "Black Thursday": BTC about -50 % in about 16 h, in two legs',
    date: '2020-03-12/13',
    // ~7,900 -> ~3,850 (pastorq.com, bbapi post: 7,900 -> 3,800); ETH ~200 -> ~90 (-55 %, pastorq.com)
    start: { 'BTC/USDT': 7900, 'ETH/USDT': 200 },
    legs: [
      // Binance Square post: "first shockwave ... a 25% decline" in the morning, orderly
      { hours: 8, at: { 'BTC/USDT': -0.25, 'ETH/USDT': -0.27 }, note: 'morning: global de-risking, orderly' },
      // The evening's liquidation cascade (BitMEX, MakerDAO) to the low under 4,000
      { hours: 8, at: { 'BTC/USDT': -0.51, 'ETH/USDT': -0.55 }, note: 'evening and night: liquidation cascade' },
    ],
    calmCorrelation: 0.5,
    peakCorrelation: 0.95,
    volatility: { 'BTC/USDT': 1, 'ETH/USDT': 1.2 },
    sources: [
      'issue 11: BTC about -50 % in about 16 h, 2020-03-12/13, two legs',
      'https://www.pastorq.com/8162.html (BTC 7,000 -> 3,800; ETH 200 -> 90, -55 %)',
      'https://binance.com/es-AR/square/post/14019064829906 (two crashes in 24 h, the first -25 %; low under 4,000)',
    ],
  },
  'may-2021': {
    title: 'May 2021 sell-off: BTC about -30 % intraday, ETH about -40 %',
    date: '2021-05-19',
    // BTC ~43,000 -> ~30,000 intraday; ETH ~3,400 -> ~1,900 (issue 11; start prices are the day's open, rounded, not from a cited page)
    start: { 'BTC/USDT': 43000, 'ETH/USDT': 3400 },
    legs: [
      { hours: 6, at: { 'BTC/USDT': -0.15, 'ETH/USDT': -0.2 }, note: 'Asian and European morning' },
      { hours: 2, at: { 'BTC/USDT': -0.3, 'ETH/USDT': -0.42 }, note: 'the flush to the intraday low' },
      // The day closed well off the low (BTC back near 37,000: rounded, not from a cited page)
      { hours: 6, at: { 'BTC/USDT': -0.15, 'ETH/USDT': -0.25 }, note: 'rebound off the low' },
    ],
    calmCorrelation: 0.6,
    peakCorrelation: 0.92,
    volatility: { 'BTC/USDT': 1, 'ETH/USDT': 1.3 },
    sources: ['issue 11: BTC about -30 % intraday 2021-05-19, ETH about -40 %', 'https://yellow.com/research/trump-100-china-tariff-how-one-announcement-liquidated-dollar19-billion-in-crypto (May 2021: $10 B liquidated)'],
  },
  'luna-2022': {
    title: 'Terra/LUNA collapse: LUNA from about 80 to below 0.01 in a week, BTC 36k to 26.7k',
    date: '2022-05-05/12',
    start: { 'LUNA/USDT': 80, 'BTC/USDT': 36000 },
    legs: [
      // UST loses its peg (May 7-9): LUNA to ~30; BTC to ~31,000 (intermediate levels rounded, not from a cited page)
      { hours: 96, at: { 'LUNA/USDT': -0.62, 'BTC/USDT': -0.14 }, note: 'UST de-pegs' },
      // Mint-and-burn spiral (May 10-11): LUNA under 1
      { hours: 36, at: { 'LUNA/USDT': -0.99, 'BTC/USDT': -0.2 }, note: 'death spiral' },
      // May 12: LUNA below 0.01, BTC low 26,700
      { hours: 36, at: { 'LUNA/USDT': -0.99994, 'BTC/USDT': -0.2583 }, note: 'LUNA below 0.01; BTC low' },
    ],
    calmCorrelation: 0.5,
    // LUNA fell on its own news: its returns' correlation with BTC's stays lower than a market-wide crash's
    peakCorrelation: 0.7,
    volatility: { 'LUNA/USDT': 3, 'BTC/USDT': 1 },
    sources: ['issue 11: LUNA from about 80 to below 0.01 in a week, BTC 36k to 26.7k', 'https://bitcoinke.io/2022/11/ftx-token-plummets-files-for-bankruptcy/ (LUNA "lost all of its value in the space of a few days back in May 2022")'],
  },
  'ftx-2022': {
    title: 'FTX collapse: FTT -91 % in a week, BTC -14 % on 2022-11-09',
    date: '2022-11-06/12',
    // FTT opened the week at 25.77 and fell to 2.68, -90.9 % (bitcoinke.io)
    start: { 'FTT/USDT': 25.77, 'BTC/USDT': 20900 },
    legs: [
      // Nov 6-7: Binance says it will sell its FTT; FTT under 22 (infonesia.xyz)
      { hours: 36, at: { 'FTT/USDT': -0.15, 'BTC/USDT': -0.02 }, note: 'Binance to sell its FTT' },
      // Nov 8: FTX halts withdrawals; FTT 22 -> 4.87 in 24 h, BTC -10 % to 17,579 (infonesia.xyz: "-78 %", "down nearly 10%")
      { hours: 24, at: { 'FTT/USDT': -0.81, 'BTC/USDT': -0.12 }, note: 'withdrawals halted, FTT -78 % in a day' },
      // Nov 9: BTC -14 % on the day (issue 11) to under 17,000 (coinstelegram: 16,893)
      { hours: 24, at: { 'FTT/USDT': -0.88, 'BTC/USDT': -0.243 }, note: 'Binance walks away; BTC -14 %' },
      // Nov 10-12: bankruptcy; FTT 2.68 (-90.9 %), BTC drifts near 16,800 (rounded, not from a cited page)
      { hours: 60, at: { 'FTT/USDT': -0.909, 'BTC/USDT': -0.2 }, note: 'bankruptcy filing' },
    ],
    calmCorrelation: 0.4,
    peakCorrelation: 0.75,
    volatility: { 'FTT/USDT': 3, 'BTC/USDT': 1 },
    sources: [
      'issue 11: FTT -91 % in a week, BTC -14 % on 2022-11-09',
      'https://bitcoinke.io/2022/11/ftx-token-plummets-files-for-bankruptcy/ (FTT 25.77 -> 2.68, -90.9 % in 7 days)',
      'https://infonesia.xyz/ftxs-ftt-token-crashes-78-in-24-hours-bitcoin-hits-yearly-low/ (FTT 22 -> 4.87 in 24 h; BTC 17,579)',
      'https://coinstelegram.com/news/bitcoin-has-fallen-below-17000-amid-the-ftx-exchanges-liquidity-crisis-the-ftt-token-collapsed-by-90/ (BTC 16,893)',
    ],
  },
  'yen-2024': {
    title: 'Yen carry-trade unwind: BTC about 58k to 49-50k in hours',
    date: '2024-08-05',
    // BTC 58,350 -> 50,000 "in a matter of hours" (Binance Square), 49,000 low (bulbapp); ETH ~2,700 -> 2,100 low (bulbapp; start rounded)
    start: { 'BTC/USDT': 58350, 'ETH/USDT': 2700 },
    legs: [
      { hours: 4, at: { 'BTC/USDT': -0.1, 'ETH/USDT': -0.12 }, note: 'Asian session: Nikkei -12 %' },
      { hours: 3, at: { 'BTC/USDT': -0.16, 'ETH/USDT': -0.22 }, note: 'BTC to 49,000, ETH to 2,100' },
      { hours: 5, at: { 'BTC/USDT': -0.125, 'ETH/USDT': -0.18 }, note: 'partial recovery (BTC near 51,000)' },
    ],
    calmCorrelation: 0.6,
    peakCorrelation: 0.9,
    volatility: { 'BTC/USDT': 1, 'ETH/USDT': 1.3 },
    sources: [
      'issue 11: BTC about 58k to 49-50k in hours, 2024-08-05',
      'https://binance.com/es-AR/square/post/11863091176634 (58,350 -> 50,000 in hours; 51,000 later)',
      'https://bulbapp.io/p/f9e6fd84-9bad-469a-8a60-a3bb0d00ae22/bitcoin-collapses-to-49000-eth-to-yearly-low-market-liquidates-over-1-billion (BTC 49,000; ETH 2,100)',
    ],
  },
  'oct-2025': {
    title: '10 October 2025 liquidation cascade: BTC about 122k to 104.8k, altcoins -50 % or more briefly',
    date: '2025-10-10',
    // BTC ~122,000 -> 104,800 (issue 11; yellow.com: 122,000 -> under 107,000; blockscope: 123,000 -> 102,000)
    // ETH 4,346 -> 3,574 (-17.8 %, blockscope); SOL -30 % to -34 % (blockscope; ainvest low 144.82);
    // XRP -44 % to 1.25 (ainvest); DOGE low 0.095 (ainvest; the 0.25 start is rounded, not from a cited page)
    start: { 'BTC/USDT': 122000, 'ETH/USDT': 4346, 'SOL/USDT': 220, 'XRP/USDT': 2.23, 'DOGE/USDT': 0.25 },
    legs: [
      { hours: 1, at: { 'BTC/USDT': -0.05, 'ETH/USDT': -0.07, 'SOL/USDT': -0.1, 'XRP/USDT': -0.12, 'DOGE/USDT': -0.15 }, note: 'tariff post: risk off' },
      { hours: 1, at: { 'BTC/USDT': -0.141, 'ETH/USDT': -0.178, 'SOL/USDT': -0.34, 'XRP/USDT': -0.44, 'DOGE/USDT': -0.62 }, note: 'the liquidation hour: $7 B in one hour' },
      { hours: 4, at: { 'BTC/USDT': -0.09, 'ETH/USDT': -0.12, 'SOL/USDT': -0.2, 'XRP/USDT': -0.25, 'DOGE/USDT': -0.3 }, note: 'altcoins claw back: the -50 % was brief' },
    ],
    calmCorrelation: 0.55,
    peakCorrelation: 0.95,
    volatility: { 'BTC/USDT': 1, 'ETH/USDT': 1.3, 'SOL/USDT': 1.6, 'XRP/USDT': 1.8, 'DOGE/USDT': 2 },
    sources: [
      'issue 11: BTC about 122k to 104.8k, altcoins -50 % or more briefly, 2025-10-10',
      'https://research.blockscope.co/the-october-crash (BTC 123,000 -> 102,000; ETH 4,346 -> 3,574; SOL, ADA -30 %; alts 60-90 %)',
      'https://www.ainvest.com/news/bitcoin-news-today-leverage-fuelled-19b-crypto-crash-altcoins-undergo-structural-reset-2510 (XRP 1.25, -44 %; DOGE 0.095; SOL 144.82)',
      'https://www.binance.bh/cs/square/post/34283206195537 ("correlations rushed to 1")',
    ],
  },
} satisfies Record<string, z.input<typeof eventSchema>>;

export type ScenarioName = keyof typeof events;
export const SCENARIO_NAMES = Object.keys(events) as ScenarioName[];

/** The event table, validated: every leg names exactly the event's coins, each with a volatility. */
export const CRASH_EVENTS: Readonly<Record<ScenarioName, CrashEvent>> = (() => {
  const out = {} as Record<ScenarioName, CrashEvent>;
  for (const name of SCENARIO_NAMES) {
    const e = eventSchema.parse(events[name]);
    const coins = Object.keys(e.start).sort().join(',');
    for (const [i, leg] of e.legs.entries()) {
      if (Object.keys(leg.at).sort().join(',') !== coins) throw new Error(`scenario ${name}: leg ${i + 1} does not name exactly the coins ${coins}`);
    }
    if (Object.keys(e.volatility).sort().join(',') !== coins) throw new Error(`scenario ${name}: volatility does not name exactly the coins ${coins}`);
    out[name] = e;
  }
  return out;
})();
