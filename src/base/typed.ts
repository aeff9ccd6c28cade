// Growing typed arrays: the engine's tables keep their numbers in typed arrays and double them as they fill.

type TypedArray = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** A copy of `array` with room for `length` elements; the new room holds `fill` (default 0). */
export function grown<T extends TypedArray>(array: T, length: number, fill = 0): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  if (fill !== 0) bigger.fill(fill, array.length);
  bigger.set(array);
  return bigger;
}
