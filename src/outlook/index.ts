export { initOffice, DEFAULT_OFFICE_READY_TIMEOUT_MS, type InitOfficeOptions } from './init-office';
export type { OfficeHost, PaneTheme, ComposeItem } from './office-host';
