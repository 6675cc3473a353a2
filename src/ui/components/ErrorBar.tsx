import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import type { PaneError } from '../app/pane-state';

/** A failure, said plainly, with a Retry button when retrying can help. */
export function ErrorBar({ error }: { error: PaneError }) {
  return (
    <MessageBar intent="error" politeness="assertive" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{error.title}</MessageBarTitle> {error.message}
      </MessageBarBody>
      {error.retry && (
        <MessageBarActions>
          <Button onClick={error.retry}>Retry</Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
