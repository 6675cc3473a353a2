/**
 * Entry of the Office dialog page (dialog.html). It runs MSAL's redirect flow inside the dialog and
 * hands the result to the task pane. The only Office.js calls in auth live here: onReady and messageParent.
 */
import { dialogConfigFrom, type DialogConfig } from '../dialog-message';
import { msalConfig } from '../msal-config';
import { msalFactory } from '../msal-loader';
import { runAuthDialog } from './run-dialog';

const CONFIG_KEY = 'candor.auth.dialog-config';

/** Settings arrive in the query string; they are kept for the return trip from Entra, which drops it. */
function dialogConfig(): DialogConfig | null {
  const fromUrl = dialogConfigFrom(window.location.search);
  if (fromUrl) {
    sessionStorage.setItem(CONFIG_KEY, JSON.stringify(fromUrl));
    return fromUrl;
  }
  const stored = sessionStorage.getItem(CONFIG_KEY);
  return stored ? (JSON.parse(stored) as DialogConfig) : null;
}

function messageParent(message: string): void {
  const ui = Office.context.ui;
  // Name the pane's origin where the host supports it, so the tokens cannot go anywhere else.
  if (Office.context.requirements.isSetSupported('DialogOrigin', '1.1')) {
    ui.messageParent(message, { targetOrigin: window.location.origin });
  } else {
    ui.messageParent(message);
  }
}

async function main(): Promise<void> {
  await Office.onReady();
  const config = dialogConfig();
  if (!config) {
    messageParent(JSON.stringify({ ok: false, error: 'dialog_misconfigured' }));
    return;
  }
  const selfUrl = `${window.location.origin}${window.location.pathname}`;
  const pca = await msalFactory.standard(
    msalConfig(
      { ...config, mode: 'entra', redirectUri: selfUrl, dialogUrl: selfUrl, demoTokenUrl: '' },
      selfUrl,
    ),
  );
  const outcome = await runAuthDialog({
    pca,
    apiScope: config.apiScope,
    send: messageParent,
    now: () => Date.now(),
  });
  if (outcome === 'done') sessionStorage.removeItem(CONFIG_KEY);
}

void main();
