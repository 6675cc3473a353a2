import type { Clock } from '../../shared/clock';
import type { Config } from '../config';
import type { Store, TableCounts } from '../store/store';

/** What the API routes need from the rest of the backend. */
export interface ApiDeps {
  store: Store;
  clock: Clock;
  limits: Config['limits'];
  /** Pixel URLs come from the pixel module's token minting; the API only hands them out. */
  pixel: { newSendId(): string; pixelUrl(sendId: string): string };
  /** Disconnect: deletes every row of the user and their key, and records the deletion. */
  disconnect(tid: string, oid: string): Promise<TableCounts>;
}
