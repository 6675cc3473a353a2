/**
 * The slice of the `Office` global this boundary uses, typed narrowly so tests can hand in a small
 * fake (test/support/office-fake.ts). Shapes follow @types/office-js.
 */
export interface AsyncResultLike<T> {
  status: 'succeeded' | 'failed' | string;
  value: T;
  error?: { code: number; message?: string; name?: string } | null;
}

export interface DialogLike {
  addEventHandler(
    eventType: string,
    handler: (arg: { message?: string; origin?: string } & { error?: number }) => void,
  ): void;
  close(): void;
}

export interface ComposeSubjectLike {
  getAsync(callback: (result: AsyncResultLike<string>) => void): void;
}

export interface ItemLike {
  /** A string in read mode, an object with `getAsync` in compose mode. */
  subject?: string | ComposeSubjectLike;
  body?: {
    getAsync(coercionType: string, callback: (result: AsyncResultLike<string>) => void): void;
  };
}

export interface MailboxLike {
  item?: ItemLike | null;
  addHandlerAsync?(
    eventType: string,
    handler: (arg: { officeTheme?: { bodyBackgroundColor?: string; bodyForegroundColor?: string } }) => void,
    callback?: (result: AsyncResultLike<void>) => void,
  ): void;
}

export interface OfficeApi {
  onReady(): Promise<{ host: string | null; platform: string | null }>;
  context?: {
    mailbox?: MailboxLike;
    officeTheme?: { bodyBackgroundColor?: string; bodyForegroundColor?: string };
    requirements?: { isSetSupported(name: string, minVersion?: string): boolean };
    ui?: {
      displayDialogAsync?(
        url: string,
        options: { height?: number; width?: number; promptBeforeOpen?: boolean },
        callback: (result: AsyncResultLike<DialogLike>) => void,
      ): void;
    };
  };
  EventType?: Record<string, string>;
  CoercionType?: Record<string, string>;
}

/** The `Office` global if office.js loaded, else undefined. */
export function officeGlobal(): OfficeApi | undefined {
  return (globalThis as unknown as { Office?: OfficeApi }).Office;
}
