/** One benchmark figure, as one run of a suite measures it. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

export interface BenchModule {
  run(): Promise<BenchResult[]>;
}

/** A figure over several runs of its suite: the median, with the spread. */
export interface BenchFigure extends BenchResult {
  min: number;
  max: number;
  runs: number;
}

/** Where and on what a suite was measured. */
export interface BenchProvenance {
  commit: string;
  /** The working tree had changes not committed: the figures are of the commit plus those. */
  dirty: boolean;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string };
  date: string;
}

export interface BenchSuite extends BenchProvenance {
  results: BenchFigure[];
}
