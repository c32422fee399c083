/**
 * The demo as a library: start the grid and the dashboard, run the scenario, report. `main.ts`
 * is the command line around it; tests drive it directly.
 */
import { bundleDashboard, startDashboard, type Dashboard, type DashboardState } from './dashboard.ts';
import { startDemoGrid, type DemoGrid } from './grid.ts';
import { runScenario, summaryTable, type ScenarioHooks, type ScenarioOptions, type ScenarioState } from './scenario.ts';

export interface DemoOptions {
  stateDir: string;
  /** Serve the dashboard (default true). */
  dashboard?: boolean;
  /** Dashboard port (0: any free port). */
  port?: number;
  print?: (line: string) => void;
  hooks?: ScenarioHooks;
  /** Test only: report this step failed after it ran (see {@link ScenarioOptions.failStep}). */
  failStep?: string;
}

export interface Demo {
  grid: DemoGrid;
  dashboard: Dashboard | null;
  state: DashboardState;
  /** Runs the scenario; resolves with its result (steps, users, deployments). */
  run(): Promise<ScenarioState>;
  stop(): Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const grid = await startDemoGrid({ stateDir: options.stateDir, log: (l) => print(`  ${l}`) });
  const state: DashboardState = { deployments: [], steps: [], current: null, users: {}, done: false };
  let dashboard: Dashboard | null = null;
  if (options.dashboard !== false) {
    try {
      const bundle = await bundleDashboard();
      dashboard = await startDashboard(grid, state, { bundle, ...(options.port === undefined ? {} : { port: options.port }) });
    } catch (err) {
      // a busy port must not leave a running grid behind
      await grid.stop().catch(() => undefined);
      throw err;
    }
  }
  let scenario: ScenarioState | undefined;
  return {
    grid,
    dashboard,
    state,
    async run() {
      scenario = await runScenario(
        grid,
        print,
        {
          beforeStep: async (name) => {
            state.current = name;
            await options.hooks?.beforeStep?.(name);
          },
          moment: async (label, data) => {
            await options.hooks?.moment?.(label, data);
          },
          afterStep: async (name, result) => {
            state.current = null;
            await options.hooks?.afterStep?.(name, result);
          },
        },
        { deployments: state.deployments, steps: state.steps, users: state.users as ScenarioState['users'] },
        options.failStep === undefined ? {} : { failStep: options.failStep },
      );
      state.done = true;
      return scenario;
    },
    async stop() {
      await dashboard?.close();
      for (const u of Object.values(scenario?.users ?? {})) await u.close().catch(() => undefined);
      await grid.stop();
    },
  };
}

export { summaryTable };
