/**
 * renderer/actions: the one action registry (toolbar, context menu, keys) and what runs actions.
 *
 *   <ActionHost>…</ActionHost>                 // App.tsx: inside MirrorStoreProvider and BridgeProvider
 *   <ActionToolbar />                          // toolbar buttons for the selection
 *   useActionKeys()                            // command keys, once in the window
 *   useActionRunner().openContextMenu(targets, {x, y})   // the tree's right-click / context-menu key
 */
export { ActionHost, useActionRunner, type ActionRunner } from './ActionHost';
export { ActionToolbar } from './ActionToolbar';
export { useActionKeys } from './use-action-keys';
export { ACTIONS, actionById, actionsFor } from './registry';
export type { Action } from './types';
