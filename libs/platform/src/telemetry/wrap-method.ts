/** A method of any signature (call it with `Reflect.apply`). */
export type Method = (this: unknown, ...args: never[]) => unknown;

const ORIGINAL = Symbol('chain.telemetry.original');

type Wrapped = Method & { [ORIGINAL]?: Method };

/**
 * Replaces the method `name` of `target` (a class prototype) with `wrap(original)`, the way OpenTelemetry
 * instrumentations patch the libraries they observe. Wrapping twice wraps the original once. Returns the
 * function that puts the original back.
 *
 * @throws Error when `target[name]` is not a function (the observed class changed shape).
 */
export function wrapMethod<T extends object>(
  target: T,
  name: keyof T & string,
  wrap: (original: Method) => Method,
): () => void {
  const current: unknown = Reflect.get(target, name);
  if (typeof current !== 'function') throw new Error(`telemetry: cannot wrap ${name}: not a method`);
  const original = (current as Wrapped)[ORIGINAL] ?? (current as Method);
  const wrapped: Wrapped = wrap(original);
  wrapped[ORIGINAL] = original;
  Object.defineProperty(target, name, { value: wrapped, writable: true, configurable: true });
  return () => {
    if (Reflect.get(target, name) === wrapped)
      Object.defineProperty(target, name, { value: original, writable: true, configurable: true });
  };
}
