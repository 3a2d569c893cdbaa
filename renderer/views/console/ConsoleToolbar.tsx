/** The console's toolbar: Ctrl+Alt+Del, key combos, "Type text…", scale, fullscreen, screenshot, undock. */
import { useState, type ReactNode } from 'react';
import { KEY_COMBOS, type KeyCombo } from './key-sequences';

import type { ScaleMode } from './use-console-session';

export type { ScaleMode };

export interface ConsoleToolbarProps {
  connected: boolean;
  scale: ScaleMode;
  onScale: (mode: ScaleMode) => void;
  onCtrlAltDel: () => void;
  onCombo: (combo: KeyCombo) => void;
  onTypeText: (text: string) => void;
  onScreenshot: () => void;
  onFullscreen: () => void;
  onUndock?: () => void;
  /** The connection state in words, shown between the key buttons and the view buttons (one row, more screen). */
  status?: ReactNode;
}

export function ConsoleToolbar(props: ConsoleToolbarProps) {
  const [typing, setTyping] = useState(false);
  const [text, setText] = useState('');
  const off = !props.connected;
  return (
    <div className="console-toolbar" role="toolbar" aria-label="Console">
      <button type="button" className="button" disabled={off} onClick={props.onCtrlAltDel} aria-label="Send Ctrl+Alt+Del" title="Send Ctrl+Alt+Del to the VM">
        Ctrl+Alt+Del
      </button>
      <label className="console-combo">
        <span className="console-visually-hidden">Send keys</span>
        <select
          aria-label="Send keys"
          disabled={off}
          value=""
          onChange={(e) => {
            const combo = KEY_COMBOS.find((c) => c.id === e.target.value);
            if (combo) props.onCombo(combo);
          }}
        >
          <option value="">Send keys…</option>
          {KEY_COMBOS.filter((c) => c.id !== 'ctrl-alt-del').map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button" disabled={off} aria-expanded={typing} onClick={() => setTyping((t) => !t)}>
        Type text…
      </button>
      <div className="console-toolbar-gap">{props.status}</div>
      <button type="button" className="button" aria-pressed={props.scale === 'fit'} onClick={() => props.onScale(props.scale === 'fit' ? 'actual' : 'fit')}>
        {props.scale === 'fit' ? 'Actual size' : 'Scale to fit'}
      </button>
      <button type="button" className="button" onClick={props.onFullscreen}>
        Fullscreen
      </button>
      <button type="button" className="button" disabled={off} onClick={props.onScreenshot}>
        Screenshot
      </button>
      {props.onUndock && (
        <button type="button" className="button" onClick={props.onUndock}>
          Undock
        </button>
      )}
      {typing && (
        <form
          className="console-type-text"
          onSubmit={(e) => {
            e.preventDefault();
            props.onTypeText(text);
            setText('');
            setTyping(false);
          }}
        >
          <label>
            Text to type into the VM (sent as key presses; the guest's clipboard is not reachable)
            <textarea value={text} rows={3} onChange={(e) => setText(e.target.value)} autoFocus />
          </label>
          <button type="submit" className="button button-primary" disabled={!text}>
            Type it
          </button>
          <button type="button" className="button" onClick={() => setTyping(false)}>
            Cancel
          </button>
        </form>
      )}
    </div>
  );
}
