/**
 * A promise the test settles by hand, for holding an answer while it looks at the state in between.
 * Shared by the engine's fakes and the renderer's component tests (plain TypeScript, no Node or DOM).
 */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
