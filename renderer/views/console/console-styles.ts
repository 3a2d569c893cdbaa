/** The console tab's styles. The screen needs an explicit height for noVNC's scaling (novnc/noVNC#1747). */
export const CONSOLE_CSS = `
.console-tab {
  display: flex;
  flex-direction: column;
  height: 100%;
  min-height: 420px;
  background: var(--console-bg, #1b1d21);
  color: var(--console-fg, #e8e8e8);
}
.console-tab:fullscreen {
  min-height: 100vh;
}
.console-toolbar {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 6px;
  padding: 6px 8px;
  border-bottom: 1px solid #33363c;
}
.console-toolbar-gap {
  flex: 1;
}
.console-type-text {
  flex-basis: 100%;
  display: flex;
  gap: 6px;
  align-items: flex-end;
}
.console-type-text label {
  display: flex;
  flex-direction: column;
  flex: 1;
  font-size: 12px;
}
.console-status {
  display: flex;
  gap: 8px;
  align-items: center;
  padding: 4px 8px;
  font-size: 13px;
}
.console-status-connected {
  color: #7fd18b;
}
.console-status-disconnected {
  color: #f0b35a;
}
.console-screen {
  flex: 1;
  min-height: 0;
  position: relative;
  outline: none;
  border: 2px solid transparent;
}
/* A visible focus ring: the console has the keyboard (CLIENT-NOTES 23). */
.console-screen-focused {
  border-color: #4c9aff;
  box-shadow: 0 0 0 2px rgba(76, 154, 255, 0.35);
}
.console-not-running {
  padding: 24px;
}
.console-hint {
  margin: 0;
  padding: 2px 8px 6px;
  font-size: 12px;
  opacity: 0.75;
}
.console-visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
}
`;
