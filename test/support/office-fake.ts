/**
 * A small, typed fake of the `Office` global covering exactly what src/outlook uses: onReady,
 * requirements, officeTheme + OfficeThemeChanged, the compose item, and displayDialogAsync.
 */
import type { AsyncResultLike, DialogLike, OfficeApi } from '../../src/outlook/office-api';

type Colors = { bodyBackgroundColor: string; bodyForegroundColor: string };

export interface FakeOfficeOptions {
  /** 'Outlook' inside Office; null reproduces office.js loaded in a plain browser. */
  host?: string | null;
  platform?: string | null;
  /** 'never' makes onReady hang, like a stalled host. */
  ready?: 'immediate' | 'never' | 'reject';
  officeTheme?: Colors;
  /** Requirement sets the host claims, name → highest version. */
  requirementSets?: Record<string, string>;
  /** Reproduces office.js outside Office, where `isSetSupported` throws. */
  requirementsThrow?: boolean;
  item?:
    | { mode: 'compose'; subject: string; html: string; failBody?: number }
    | { mode: 'read'; subject: string }
    | null;
  /** An error code displayDialogAsync reports instead of opening (12007, 12009, 12011…). */
  dialogOpenError?: number;
  /** Whether the host supports the OfficeThemeChanged event (Mailbox 1.14). */
  themeEvents?: boolean;
}

export interface FakeDialog {
  url: string;
  closed: boolean;
  /** A page in the dialog calls messageParent(message); `origin` as Office reports it (DialogOrigin 1.1). */
  sendMessage(message: string, origin?: string): void;
  /** The dialog raises a DialogEventReceived, e.g. 12006 when the user closes it. */
  raiseEvent(code: number): void;
}

export interface FakeOffice {
  office: OfficeApi;
  dialogs: FakeDialog[];
  coercionRequests: string[];
  /** Fires OfficeThemeChanged with new colours (no-op when themeEvents is false). */
  changeTheme(colors: Colors): void;
}

const ok = <T>(value: T): AsyncResultLike<T> => ({ status: 'succeeded', value });
const failed = <T>(code: number): AsyncResultLike<T> => ({
  status: 'failed',
  value: undefined as T,
  error: { code, message: `error ${code}` },
});

function versionAtLeast(have: string, want: string): boolean {
  const a = have.split('.').map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

export function createFakeOffice(options: FakeOfficeOptions = {}): FakeOffice {
  const host = options.host === undefined ? 'Outlook' : options.host;
  const platform = options.platform === undefined ? (host ? 'OfficeOnline' : null) : options.platform;
  const dialogs: FakeDialog[] = [];
  const coercionRequests: string[] = [];
  const themeHandlers: ((arg: { officeTheme?: Colors }) => void)[] = [];

  const item = (() => {
    const spec = options.item;
    if (!spec) return spec;
    if (spec.mode === 'read') return { subject: spec.subject, body: { getAsync: () => undefined } };
    return {
      subject: { getAsync: (cb: (r: AsyncResultLike<string>) => void) => cb(ok(spec.subject)) },
      body: {
        getAsync: (coercion: string, cb: (r: AsyncResultLike<string>) => void) => {
          coercionRequests.push(coercion);
          cb(spec.failBody ? failed(spec.failBody) : ok(spec.html));
        },
      },
    };
  })();

  const office: OfficeApi = {
    onReady: () => {
      if (options.ready === 'never') return new Promise(() => undefined);
      if (options.ready === 'reject') return Promise.reject(new Error('office.js failed'));
      return Promise.resolve({ host, platform });
    },
    EventType: {
      DialogMessageReceived: 'dialogMessageReceived',
      DialogEventReceived: 'dialogEventReceived',
      OfficeThemeChanged: 'officeThemeChanged',
    },
    CoercionType: { Html: 'html', Text: 'text' },
    context: {
      officeTheme: options.officeTheme,
      requirements: {
        isSetSupported(name: string, minVersion = '1.1') {
          if (options.requirementsThrow) throw new TypeError('requirements unavailable outside Office');
          const have = options.requirementSets?.[name];
          return have !== undefined && versionAtLeast(have, minVersion);
        },
      },
      mailbox: host
        ? {
            item,
            addHandlerAsync(eventType, handler, callback) {
              if (eventType === 'officeThemeChanged' && options.themeEvents !== false) {
                themeHandlers.push(handler);
                callback?.(ok(undefined));
              } else callback?.(failed(5000));
            },
          }
        : undefined,
      ui: {
        displayDialogAsync(url, _opts, callback) {
          if (options.dialogOpenError) {
            callback(failed<DialogLike>(options.dialogOpenError));
            return;
          }
          const handlers = new Map<
            string,
            (arg: { message?: string; origin?: string; error?: number }) => void
          >();
          const fake: FakeDialog = {
            url,
            closed: false,
            sendMessage: (message, origin) => handlers.get('dialogMessageReceived')?.({ message, origin }),
            raiseEvent: (code) => handlers.get('dialogEventReceived')?.({ error: code }),
          };
          dialogs.push(fake);
          callback(
            ok<DialogLike>({
              addEventHandler: (type, handler) => void handlers.set(type, handler),
              close: () => void (fake.closed = true),
            }),
          );
        },
      },
    },
  };

  return {
    office,
    dialogs,
    coercionRequests,
    changeTheme: (colors) => themeHandlers.forEach((h) => h({ officeTheme: colors })),
  };
}

/** A matchMedia stand-in whose answers the test controls; `set` fires change listeners. */
export function createFakeMedia(initial: { dark?: boolean; forcedColors?: boolean } = {}) {
  const state = {
    '(prefers-color-scheme: dark)': !!initial.dark,
    '(forced-colors: active)': !!initial.forcedColors,
  };
  const listeners = new Set<() => void>();
  const matchMedia = (query: string) => ({
    get matches() {
      return state[query as keyof typeof state] ?? false;
    },
    addEventListener: (_type: string, l: () => void) => void listeners.add(l),
    removeEventListener: (_type: string, l: () => void) => void listeners.delete(l),
  });
  return {
    matchMedia: matchMedia as unknown as import('../../src/outlook/theme').MatchMedia,
    set(next: { dark?: boolean; forcedColors?: boolean }) {
      if (next.dark !== undefined) state['(prefers-color-scheme: dark)'] = next.dark;
      if (next.forcedColors !== undefined) state['(forced-colors: active)'] = next.forcedColors;
      listeners.forEach((l) => l());
    },
  };
}
