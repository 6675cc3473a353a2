import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';

/** A save that did not fully succeed is always on screen, with what it means and what to do. */
export function SaveProblemBar({ problem }: { problem: string | null }) {
  if (!problem) return null;
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="save-problem">
      <MessageBarBody>
        <MessageBarTitle>Not fully saved</MessageBarTitle> {problem}
      </MessageBarBody>
    </MessageBar>
  );
}
