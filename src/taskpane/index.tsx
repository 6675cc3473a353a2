// PLACEHOLDER entry so the build runs; the UI owner replaces this file.
import { createRoot } from 'react-dom/client';

const container = document.getElementById('root');
if (container) createRoot(container).render(<main>Candor</main>);
