export { PerformanceTab, type PerformanceTabProps } from './PerformanceTab';
