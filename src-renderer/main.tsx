import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createClient } from './api/transport';
import { createFlareStore } from './store/store';
import { StoreContext } from './store/context';
import './styles.css';

const { client, tokens } = createClient();
const store = createFlareStore(client, tokens);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
