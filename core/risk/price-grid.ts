/**
 * Is a price or quantity on its instrument's grid (tick size, lot step)?
 * Decimal grids meet binary doubles, so "on" means within a relative 1e-9 of
 * a whole number of steps. Arguments come as typed-array positions, never as
 * doubles: a double handed to a call V8 does not inline is boxed.
 */
export const GRID_EPS = 1e-9;

export function offGridAt(values: Float64Array, vi: number, steps: Float64Array, si: number): boolean {
  const q = values[vi] / steps[si];
  const r = Math.round(q);
  const d = q - r;
  return (d < 0 ? -d : d) > GRID_EPS * (r < 1 ? 1 : r);
}
