/** Renders a view with a store over a fake client (component tests). */
import { render } from '@testing-library/react';
import type { FlareClient } from '../../shared/api';
import { createFlareStore, type FlareState } from '../store/store';
import { StoreContext } from '../store/context';

export async function renderView(ui: React.ReactElement, client: FlareClient, options: { init?: boolean; state?: Partial<FlareState> } = {}) {
  const store = createFlareStore(client);
  if (options.init !== false) await store.getState().init();
  if (options.state) store.setState(options.state);
  const utils = render(<StoreContext.Provider value={store}>{ui}</StoreContext.Provider>);
  return { store, ...utils };
}

/** happy-dom has no layout: give scroll containers a size so the virtualized log renders rows. */
export function fakeLayout(height = 400, width = 800) {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => width });
}
