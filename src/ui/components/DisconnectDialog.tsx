import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from '@fluentui/react-components';
import { useRef, useState } from 'react';

export interface DisconnectDialogProps {
  busy: boolean;
  onConfirm: () => void;
}

/**
 * "Disconnect…" asks first: it deletes the recruiter's tracking data for good. Closing returns focus
 * to the button.
 */
export function DisconnectDialog({ busy, onConfirm }: DisconnectDialogProps) {
  const [open, setOpen] = useState(false);
  // Mounted from the first open on, so its focus-trap helpers stay out of the page until needed.
  const [used, setUsed] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const confirmed = useRef(false);
  /** Runs the confirmed disconnect once the dialog has finished closing (see below). */
  const afterClose = () => {
    if (!confirmed.current) return;
    confirmed.current = false;
    onConfirm();
  };
  const close = () => {
    setOpen(false);
    trigger.current?.focus();
  };
  // Once mounted the dialog stays mounted and controlled, and the disconnect (which unmounts this
  // screen) starts only after the close motion: unmounting a dialog mid-close skips Fluent's clean-up
  // and leaves the rest of the pane aria-hidden (the e2e test caught this).
  const dialog = (
    <Dialog
      open={open}
      modalType="alert"
      onOpenChange={(_, data) => (data.open ? undefined : close())}
      surfaceMotion={{ onMotionFinish: afterClose }}
    >
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Disconnect and delete your data?</DialogTitle>
          <DialogContent>
            Candor deletes everything it keeps for you — opens, replies, campaign backups and your key — on
            its service and on this device, then signs you out. Mail you already sent stays in your mailbox.
            This cannot be undone.
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              onClick={() => {
                confirmed.current = true;
                close();
              }}
            >
              Disconnect and delete
            </Button>
            <Button onClick={close}>Cancel</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
  return (
    <>
      <Button
        ref={trigger}
        disabledFocusable={busy}
        onClick={() => {
          setUsed(true);
          setOpen(true);
        }}
      >
        {busy ? 'Disconnecting…' : 'Disconnect…'}
      </Button>
      {used && dialog}
    </>
  );
}
