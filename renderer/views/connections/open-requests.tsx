/**
 * What the operating system asked XenDeck to open (shared/open-request.ts): a xendeck:// link opens Add server
 * with its address and user filled in (the password is typed by the user), a .xva or .ova file says plainly
 * that importing VM files is not in this version yet. Requests wait in the main process until the page takes
 * them (`app.takeOpenRequests`), so a link that started the app is handled once the window is ready.
 */
import { useEffect } from 'react';
import type { OpenRequest } from '../../../shared/open-request';
import { useActionRunner } from '../../actions';
import type { Action } from '../../actions/types';
import { useBridge } from '../../bridge-context';
import { Dialog } from '../../components/Dialog';
import { addServerFilledIn } from './add-server-action';

function FileNotSupported({ path, onClose }: { path: string; onClose: () => void }) {
  return (
    <Dialog
      title="Importing VM files is not available yet"
      onClose={onClose}
      width="narrow"
      footer={
        <button type="button" className="button button-primary" onClick={onClose} data-autofocus>
          Close
        </button>
      }
    >
      <p>
        XenDeck was asked to open <code>{path}</code>. This version cannot import .xva or .ova files; use <code>xe vm-import</code> on the pool
        for now.
      </p>
    </Dialog>
  );
}

/** Not in the registry (no menu offers it): run once for a file the OS handed over. */
function fileNotice(path: string): Action {
  return {
    id: 'app.openFile',
    label: 'Open file…',
    icon: 'add-server',
    group: 'connection',
    toolbar: 'none',
    needs: 'Always available.',
    appliesTo: () => true,
    disabledReason: () => undefined,
    run: async (ctx) => void (await ctx.ui.dialog<void>((done) => <FileNotSupported path={path} onClose={() => done(undefined)} />)),
  };
}

export function actionFor(request: OpenRequest): Action {
  return request.kind === 'add-server' ? addServerFilledIn({ address: request.address, user: request.user }) : fileNotice(request.path);
}

/** Takes the open requests of this app run, now and whenever the main process announces new ones. */
export function useOpenRequests(): void {
  const bridge = useBridge();
  const runner = useActionRunner();
  useEffect(() => {
    let live = true;
    const take = () =>
      void bridge.request('app.takeOpenRequests', undefined).then(
        (requests) => {
          if (live) for (const request of requests) runner.invoke(actionFor(request), []);
        },
        () => undefined,
      );
    const off = bridge.on('app.openRequest', take);
    take();
    return () => {
      live = false;
      off();
    };
  }, [bridge, runner]);
}
