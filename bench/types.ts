/** One benchmark figure. `baseline` names the figure measured in the same run that this one is compared to. */
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
