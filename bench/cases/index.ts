import { consoleTunnelBench } from './console-tunnel';
import { hostileBench } from './hostile';
import { clientLoadBench } from './client-load';
import { simLargeBench } from './sim-large';
import { rrdParseBench } from './rrd-parse';
import { uiBench } from './ui';
import { migrationBench } from './migration';

/** The bench cases, by name. Each returns its figures as {figure: {value, unit}}. */
export type BenchFigures = Record<string, { value: number; unit: string }>;
/** Options from the command line (`--containers 5000`), by name; cases read the ones they know. */
export type BenchOptions = Record<string, string>;
export type BenchCase = (options: BenchOptions) => Promise<BenchFigures>;

export const benchCases: Record<string, BenchCase> = {
  // Cases register here, one module each under bench/cases/.
  console: consoleTunnelBench,
  client: clientLoadBench,
  'sim-large': simLargeBench,
  'rrd-parse': rrdParseBench,
  ui: uiBench,
  hostile: hostileBench,
  migration: migrationBench,
};
