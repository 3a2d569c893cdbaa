export { ConsoleTab, consoleRouteHash, parseConsoleRouteHash, undockConsole, type ConsoleTabProps } from './ConsoleTab';
export { isConsoleFocused, onConsoleFocusChange } from './console-focus';
