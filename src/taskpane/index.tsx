// The task pane's entry: wait for Office.js (bounded), then render the app with the real boundaries.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initOffice } from '../outlook';
import { App } from '../ui/app/App';
import { createPaneServices } from '../ui/load-boundaries';
import { paneConfig } from './config';

async function start(container: HTMLElement): Promise<void> {
  const office = await initOffice();
  createRoot(container).render(
    <StrictMode>
      <App services={createPaneServices(paneConfig, office)} />
    </StrictMode>,
  );
}

const container = document.getElementById('root');
if (container) void start(container);
