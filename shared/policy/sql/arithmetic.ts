import { decimalLiteral } from './literals.ts';

/** `FLOOR(e / b) * b`, with a decimal `b` so that it never divides integers: the form of the engines whose `mod` takes no fractions. */
export function floorDivision(e: string, bucket: number): string {
  return `FLOOR(${e} / ${decimalLiteral(bucket)}) * ${decimalLiteral(bucket)}`;
}

/** `e` modulo `m` in `[0, m)` whatever the sign of `e`: SQL's `mod` keeps the dividend's sign. */
export function floorMod(e: string, m: number): string {
  return `mod(mod(${e}, ${m}) + ${m}, ${m})`;
}
