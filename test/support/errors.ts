import { expect } from 'vitest';

/** The error `p` rejects with, asserted to be a `type` (fails the test when it resolves). */
export async function rejection<E extends Error>(p: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as E;
  }
  throw new Error('expected a rejection');
}

/** The error `f` throws, asserted to be a `type` (fails the test when it returns). */
export function thrown<E extends Error>(f: () => unknown, type: new (...args: never[]) => E): E {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as E;
  }
  throw new Error('expected an error');
}
