/** "Are you sure?" for destructive actions: the safe button has the focus, so Enter never destroys by accident. */
import { useId, type ReactNode } from 'react';
import { Dialog } from '../../components/Dialog';

export function ConfirmDialog(props: { title: string; message: ReactNode; confirmLabel: string; danger?: boolean; onAnswer: (ok: boolean) => void }) {
  const bodyId = useId();
  return (
    <Dialog
      title={props.title}
      onClose={() => props.onAnswer(false)}
      describedBy={bodyId}
      width="narrow"
      footer={
        <>
          <button type="button" className="button" data-autofocus onClick={() => props.onAnswer(false)}>
            Cancel
          </button>
          <button type="button" className={`button ${props.danger ? 'button-danger' : 'button-primary'}`} onClick={() => props.onAnswer(true)}>
            {props.confirmLabel}
          </button>
        </>
      }
    >
      <div id={bodyId}>{typeof props.message === 'string' ? <p>{props.message}</p> : props.message}</div>
    </Dialog>
  );
}
