/**
 * A class that can also be called without `new`, so code ported from
 * Python reads the same: `layers.Dense(128, {activation: 'relu'})` and
 * `new layers.Dense(128, ...)` both build a `Dense`, and `instanceof`
 * still works.
 */
export type Callable<C extends new (...args: any[]) => any> = C &
  ((...args: ConstructorParameters<C>) => InstanceType<C>);

export function callable<C extends new (...args: any[]) => any>(
  cls: C,
): Callable<C> {
  return new Proxy(cls, {
    apply: (target, _self, args: unknown[]) => new target(...args),
  }) as Callable<C>;
}
