import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { FlareState, FlareStore } from './store';

export const StoreContext = createContext<FlareStore | null>(null);

/** Reads a slice of the app state; re-renders only when that slice changes. */
export function useFlare<T>(selector: (s: FlareState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useFlare outside <StoreContext.Provider>');
  return useStore(store, selector);
}
