import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
} from '@fluentui/react-components';
import type { Loaded } from './use-results';

/**
 * What the report screens show while results are not ready: not available yet (reply tracking is not
 * part of this pane), loading, or a failure with a way forward. Nothing once they are ready.
 */
export function ResultsState({ loaded, what }: { loaded: Loaded<unknown>; what: string }) {
  switch (loaded.status) {
    case 'unavailable':
      return (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Results are not available yet</MessageBarTitle> Candor cannot show who opened or
            replied in this version of the add-in. Your campaigns still send as usual; their results will
            appear here once reply tracking is turned on.
          </MessageBarBody>
        </MessageBar>
      );
    case 'loading':
      return <Spinner size="small" label={`Loading ${what}…`} />;
    case 'failed':
      return (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Could not load {what}</MessageBarTitle> {loaded.message} Check your connection,
            then try again.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={loaded.retry}>Try again</Button>
          </MessageBarActions>
        </MessageBar>
      );
    case 'ready':
      return null;
  }
}
