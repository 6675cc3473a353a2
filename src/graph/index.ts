export { createGraph, GRAPH_V1_BASE_URL } from './create-graph';
export type {
  FolderDeltaResult,
  FolderDeltaState,
  Graph,
  GraphOptions,
  GraphProfile,
  InternetHeadersResult,
  WatchedFolder,
} from './create-graph';
export { GraphError, HeaderOnlyViolation, TokenUnavailableError, TransportError } from './graph-error';
export { assertHeaderOnly } from './header-guard';
export { FORBIDDEN_MESSAGE_PROPERTIES, MESSAGE_HEADER_FIELDS, PROFILE_FIELDS } from './message-fields';
