export { ConsoleTab, undockConsole, type ConsoleTabProps } from './ConsoleTab';
export { consoleRouteHash, parseConsoleRouteHash } from '../../../shared/console-route';
export { isConsoleFocused, onConsoleFocusChange } from './console-focus';
