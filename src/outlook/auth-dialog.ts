import type { DialogLike, OfficeApi } from './office-api';

/** Office dialog API error codes, with what the user can do about each. */
const DIALOG_ERRORS: Record<number, string> = {
  12002: 'The sign-in page could not be found or loaded.',
  12003: 'The sign-in page was redirected to an insecure (HTTP) address.',
  12004: "The sign-in page's domain is not trusted by the add-in.",
  12005: 'The sign-in page must use HTTPS.',
  12006: 'The sign-in window was closed before sign-in finished.',
  12007: 'A sign-in window is already open. Finish or close it, then try again.',
  12009: 'The sign-in window was blocked: you chose to ignore it. Try again and allow it.',
  12011:
    "Your browser's pop-up blocker stopped the sign-in window. Allow pop-ups for Outlook, then try again.",
};

export class OfficeDialogError extends Error {
  constructor(
    readonly code: number,
    detail?: string,
  ) {
    super(
      DIALOG_ERRORS[code] ??
        `The sign-in window failed (Office error ${code}${detail ? `: ${detail}` : ''}).`,
    );
    this.name = 'OfficeDialogError';
  }
}

/**
 * Opens `url` in an Office dialog and resolves with the first message a page of `url`'s origin
 * posts with `messageParent`, closing the dialog. Rejects with an OfficeDialogError for open failures
 * (12007, 12009, 12011, …) and for dialog events such as the user closing it (12006).
 */
export function openOfficeDialog(office: OfficeApi, url: string): Promise<string> {
  const display = office.context?.ui?.displayDialogAsync;
  if (!display) return Promise.reject(new Error('The Office dialog API is not available here.'));
  const messageReceived = office.EventType?.DialogMessageReceived ?? 'dialogMessageReceived';
  const eventReceived = office.EventType?.DialogEventReceived ?? 'dialogEventReceived';
  const expectedOrigin = new URL(url).origin;
  return new Promise((resolve, reject) => {
    display.call(office.context!.ui, url, { height: 60, width: 30, promptBeforeOpen: false }, (result) => {
      if (result.status !== 'succeeded') {
        reject(new OfficeDialogError(result.error?.code ?? 0, result.error?.message));
        return;
      }
      const dialog: DialogLike = result.value;
      let done = false;
      dialog.addEventHandler(messageReceived, (arg) => {
        // Only Candor's own page may answer: after sign-in the dialog is back on our origin. A
        // message from any other page the dialog reached is ignored. Hosts without the
        // DialogOrigin 1.1 requirement set give no origin; there the message is taken as before.
        if (done || (arg.origin !== undefined && arg.origin !== expectedOrigin)) return;
        done = true;
        dialog.close();
        resolve(arg.message ?? '');
      });
      dialog.addEventHandler(eventReceived, (arg) => {
        if (done) return;
        done = true;
        reject(new OfficeDialogError(arg.error ?? 0));
      });
    });
  });
}
