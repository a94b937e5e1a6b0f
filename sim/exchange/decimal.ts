/**
 * Prices and quantities as integers of 1e-8 (the venue's 8 decimals), so
 * tick and step checks are exact integer remainders rather than float
 * modulo. 2^53 / 1e8 leaves about 90 million as the largest value: ample for
 * a simulator's prices and quantities, and anything larger is refused as
 * malformed rather than rounded.
 */
export const SCALE = 100_000_000;
const DECIMAL = /^\d{1,8}(\.\d{0,8})?$|^\.\d{1,8}$/;

/** Units of 1e-8 from a decimal string (no sign, no exponent, at most 8 decimals); NaN if malformed. */
export function parseUnits(text: string): number {
  if (!DECIMAL.test(text)) return Number.NaN;
  const dot = text.indexOf('.');
  const whole = dot < 0 ? text : text.slice(0, dot);
  const frac = dot < 0 ? '' : text.slice(dot + 1);
  return Number(whole || '0') * SCALE + Number((frac + '00000000').slice(0, 8));
}

/** "12.34000000" from 1234000000. */
export function formatUnits(units: number): string {
  const neg = units < 0;
  const s = String(Math.abs(Math.round(units))).padStart(9, '0');
  return `${neg ? '-' : ''}${s.slice(0, -8)}.${s.slice(-8)}`;
}

/** A float amount (quote values, sums of price x qty) with 8 decimals. */
export function formatAmount(value: number): string {
  return (Math.round(value * SCALE) / SCALE).toFixed(8);
}
