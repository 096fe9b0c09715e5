/**
 * Functions callable in expressions. `make_divisible` is the rounding the MobileNet family uses
 * for channel counts (the TensorFlow models reference implementation, also used by torchvision):
 * round to the nearest multiple of `divisor`, but never below `min_value` and never more than
 * 10% below the original value.
 */
export interface BuiltinFunction {
  minArgs: number;
  maxArgs: number;
  signature: string;
  apply(args: number[]): number;
}

export const builtinFunctions: Record<string, BuiltinFunction> = {
  int: { minArgs: 1, maxArgs: 1, signature: "int(x)", apply: ([x]) => Math.trunc(x) },
  floor: { minArgs: 1, maxArgs: 1, signature: "floor(x)", apply: ([x]) => Math.floor(x) },
  ceil: { minArgs: 1, maxArgs: 1, signature: "ceil(x)", apply: ([x]) => Math.ceil(x) },
  round: { minArgs: 1, maxArgs: 1, signature: "round(x)", apply: ([x]) => roundHalfEven(x) },
  abs: { minArgs: 1, maxArgs: 1, signature: "abs(x)", apply: ([x]) => Math.abs(x) },
  min: {
    minArgs: 1,
    maxArgs: Infinity,
    signature: "min(a, b, ...)",
    apply: (xs) => Math.min(...xs),
  },
  max: {
    minArgs: 1,
    maxArgs: Infinity,
    signature: "max(a, b, ...)",
    apply: (xs) => Math.max(...xs),
  },
  make_divisible: {
    minArgs: 1,
    maxArgs: 3,
    signature: "make_divisible(v, divisor = 8, min_value = divisor)",
    apply: ([v, divisor = 8, minValue = divisor]) => makeDivisible(v, divisor, minValue),
  },
};

export function makeDivisible(v: number, divisor: number, minValue: number): number {
  let rounded = Math.max(
    minValue,
    Math.trunc(v + divisor / 2) - (Math.trunc(v + divisor / 2) % divisor),
  );
  if (rounded < 0.9 * v) rounded += divisor;
  return rounded;
}

/** Python's round(): halves go to the even neighbour, so round(2.5) is 2, as in the reference code. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
